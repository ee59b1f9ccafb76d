/**
 * The arrows between the library's folders point one way: lib/observability may read
 * lib/delivery (the canary timing its alert rules bound), lib/delivery never reads
 * lib/observability (the facts both need, the metrics contract and the scrape interval, sit in
 * lib/metrics-contract.ts below both), no module of lib/ imports itself back through others, and
 * lib/ never imports stacks/, pulumi/ or scripts/.
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

test('lib/ imports nothing from stacks/, pulumi/ or scripts/', () => {
  const up = ['stacks', 'pulumi', 'scripts'].map((d) => path.join(root, d) + path.sep);
  const arrows = [...graph].flatMap(([f, deps]) => deps.filter((d) => up.some((u) => d.startsWith(u))).map((d) => `${rel(f)} -> ${rel(d)}`));
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
