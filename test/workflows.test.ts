import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;

function yamlFiles(dir: string, match: RegExp): string[] {
  const abs = path.join(root, dir);
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => match.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

const workflowFiles = yamlFiles('.github/workflows', /\.ya?ml$/);
const actionFiles = yamlFiles('.github/actions', /(^|\/)action\.ya?ml$/);
const docs = new Map<string, any>([...workflowFiles, ...actionFiles].map((f) => [f, parse(fs.readFileSync(path.join(root, f), 'utf8'))]));
const workflow = (name: string) => docs.get(`.github/workflows/${name}`);

/** Every value under a `key` anywhere in the document (steps can sit in jobs or composite actions). */
function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

/** Scripts named by `npm run [--flags] X`, `npm run-script X` and `npm test`/`npm t` in shell text. */
function npmScriptsCalled(shell: string): string[] {
  const called: string[] = [];
  for (const m of shell.matchAll(/\bnpm\s+(?:run|run-script)\s+(?:--?[\w-]+\s+)*([\w:.-]+)/g)) called.push(m[1]);
  for (const m of shell.matchAll(/\bnpm\s+(test|t)\b/g)) called.push(m[1] === 't' ? 'test' : m[1]);
  return called;
}

test('found the workflows and the shared setup action', () => {
  expect(workflowFiles).toEqual(
    expect.arrayContaining(['.github/workflows/deploy.yml', '.github/workflows/pr-preview.yml', '.github/workflows/pulumi-up.yml', '.github/workflows/test.yml']),
  );
  expect(actionFiles).toContain('.github/actions/setup/action.yml');
});

test.each([...docs.keys()])('%s parses and only calls npm scripts that exist', (file) => {
  const doc = docs.get(file);
  expect(doc).toEqual(expect.any(Object));
  const runs = collect(doc, 'run').filter((r): r is string => typeof r === 'string');
  for (const script of runs.flatMap(npmScriptsCalled)) {
    expect({ file, script, exists: script in scripts }).toEqual({ file, script, exists: true });
  }
  for (const uses of collect(doc, 'uses').filter((u): u is string => typeof u === 'string' && u.startsWith('./'))) {
    expect({ file, uses, exists: fs.existsSync(path.join(root, uses)) }).toEqual({ file, uses, exists: true });
  }
});

test('the script matcher understands flags, run-script and npm test', () => {
  expect(npmScriptsCalled('npm ci\nnpm run --silent diff -- --base x\nnpm run-script build && npm test\nnpm t')).toEqual([
    'diff',
    'build',
    'test',
    'test',
  ]);
});

test('test workflow: Node 20, npm ci, then npm test', () => {
  const setup = docs.get('.github/actions/setup/action.yml');
  expect(setup.runs.steps[0]).toMatchObject({ uses: 'actions/setup-node@v4', with: { 'node-version': 20 } });
  expect(setup.runs.steps[1].run).toMatch(/^npm ci\b/);
  const steps = workflow('test.yml').jobs.test.steps;
  expect(steps.map((s: { uses?: string; run?: string }) => s.uses ?? s.run)).toEqual([
    'actions/checkout@v4',
    './.github/actions/setup',
    'npm run typecheck',
    'npm test',
  ]);
});

test('PR preview: sticky diff comment and pulumi preview for every stack from the repo root', () => {
  const { jobs } = workflow('pr-preview.yml');
  const diffSteps = jobs['manifest-diff'].steps;
  expect(diffSteps.some((s: { run?: string }) => /npm run --silent diff -- .*--out manifest-diff\.md/.test(s.run ?? ''))).toBe(true);
  expect(diffSteps).toContainEqual(
    expect.objectContaining({ uses: 'marocchino/sticky-pull-request-comment@v2', with: { header: 'manifest-diff', path: 'manifest-diff.md' } }),
  );
  expect(jobs['pulumi-preview'].strategy.matrix.stack).toEqual(['dev', 'staging', 'production']);
  expect(jobs['pulumi-preview'].steps).toContainEqual(
    expect.objectContaining({ uses: 'pulumi/actions@v6', with: expect.objectContaining({ command: 'preview', 'stack-name': '${{ matrix.stack }}', 'work-dir': '.' }) }),
  );
});

test('deploy: pulumi up dev → staging → production, each in its protected GitHub environment', () => {
  const { jobs, concurrency } = workflow('deploy.yml');
  expect(concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
  expect(Object.entries(jobs).map(([id, job]: [string, any]) => [id, job.needs, job.uses, job.with.stack])).toEqual([
    ['dev', undefined, './.github/workflows/pulumi-up.yml', 'dev'],
    ['staging', 'dev', './.github/workflows/pulumi-up.yml', 'staging'],
    ['production', 'staging', './.github/workflows/pulumi-up.yml', 'production'],
  ]);
  const up = workflow('pulumi-up.yml').jobs.up;
  expect(up.environment).toBe('${{ inputs.stack }}');
  expect(up.steps).toContainEqual(
    expect.objectContaining({ uses: 'pulumi/actions@v6', with: { command: 'up', 'stack-name': '${{ inputs.stack }}', 'work-dir': '.' } }),
  );
});
