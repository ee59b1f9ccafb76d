/**
 * The arrows between the library's folders point one way: lib/observability may read
 * lib/delivery (the canary timing its alert rules bound), lib/delivery never reads
 * lib/observability (the facts both need, the metrics contract and the scrape interval, sit in
 * lib/metrics-contract.ts, lib/promql.ts and lib/error-ratio.ts below both), no module of lib/
 * imports itself back through others, and lib/ imports nothing outside itself but the generated
 * imports/ (the CRD bindings, which ship in the package beside it: package.json `files`): stacks/,
 * pulumi/, policy/ and scripts/ build on the library, so an import of any of them would break in
 * a consumer's install or drag deploy code along.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/tools';

const root = repoRoot();
const lib = path.join(root, 'lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Relative imports and re-exports of a module, resolved to files (`x.ts` or `x/index.ts`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.[^']*)'/gms)].map((m) => m[1]!);
  return specifiers.map((s) => {
    const base = path.resolve(path.dirname(file), s);
    return fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts');
  });
}

const graph = new Map(sources(lib).map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(root, f);

test('lib/delivery imports nothing from lib/observability', () => {
  const arrows = [...graph].filter(([f]) => f.startsWith(path.join(lib, 'delivery') + path.sep))
    .flatMap(([f, deps]) => deps.filter((d) => d.startsWith(path.join(lib, 'observability') + path.sep)).map((d) => `${rel(f)} -> ${rel(d)}`));
  expect(arrows).toEqual([]);
});

test('no module of lib/ imports itself through others (no cycle)', () => {
  const cycles: string[] = [];
  const done = new Set<string>();
  const visit = (file: string, stack: string[]) => {
    const at = stack.indexOf(file);
    if (at !== -1) return void cycles.push([...stack.slice(at), file].map(rel).join(' -> '));
    if (done.has(file)) return;
    for (const dep of graph.get(file) ?? []) visit(dep, [...stack, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});

/** Where lib/ may import from besides itself. */
const ALLOWED = [path.join(root, 'imports')];

/** Relative module specifiers of `import … from`, `export … from`, `import()` and `require()`. */
function relativeImports(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)['"](\.[^'"]*)['"]/gm)].map((m) => m[1]!);
  return [...new Set(specifiers)];
}

const inside = (dir: string, target: string) => !path.relative(dir, target).startsWith('..');
const outside = (target: string) => ![lib, ...ALLOWED].some((dir) => inside(dir, target));

const files = sources(lib).map((f) => path.relative(lib, f));

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
