/**
 * Arrows point down: the library is what stacks/, pulumi/, policy/ and scripts/ build on, so it
 * may not import any of them. The one folder outside lib/ it reads is imports/ (the generated CRD
 * bindings, which ship in the package beside it: package.json `files`); an import of anything
 * else would break in a consumer's install or drag deploy code along.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const lib = path.join(root, 'lib');
/** Where lib/ may import from besides itself. */
const ALLOWED = [path.join(root, 'imports')];

/** Relative module specifiers of `import … from`, `export … from`, `import()` and `require()`. */
function relativeImports(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)['"](\.[^'"]*)['"]/gm)].map((m) => m[1]!);
  return [...new Set(specifiers)];
}

const inside = (dir: string, target: string) => !path.relative(dir, target).startsWith('..');
const outside = (target: string) => ![lib, ...ALLOWED].some((dir) => inside(dir, target));

const files = (fs.readdirSync(lib, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts'));

test('lib/ imports nothing outside lib/ but the generated imports/', () => {
  expect(files.length).toBeGreaterThan(10);
  const outward = files.flatMap((file) =>
    relativeImports(fs.readFileSync(path.join(lib, file), 'utf8'))
      .filter((spec) => outside(path.resolve(lib, path.dirname(file), spec)))
      .map((spec) => `lib/${file}: ${spec}`),
  );
  expect(outward).toEqual([]);
});

test('the check sees an import that leaves lib/ (it can fail)', () => {
  expect(relativeImports("export * from '../dashboards';\nimport { x } from './y';")).toEqual(['../dashboards', './y']);
  expect(outside(path.resolve(lib, '../dashboards'))).toBe(true);
  expect(outside(path.resolve(lib, 'delivery', '../../imports/flagger.app'))).toBe(false);
});
