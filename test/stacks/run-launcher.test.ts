/** scripts/run.js: the README's `npm run synth` without the tsc build, rebuilt only when a source changed. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const launcher = require('../../scripts/run.js') as { bundlePaths(entry: string): { bundle: string; inputs: string }; isFresh(paths: { bundle: string; inputs: string }): boolean };

test('npm run synth runs the TypeScript entry through the launcher: no tsc (type-checking stays in npm test and npm run typecheck)', () => {
  expect(scripts.synth).toBe('node scripts/run.js stacks/main.ts');
  expect(scripts.synth).not.toMatch(/tsc|npm run build/);
  expect(scripts.test).toContain('npm run --silent typecheck');
});

test('the bundle is reused while its sources are unchanged, and rebuilt when one changes', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-launcher-'));
  const paths = launcher.bundlePaths('stacks/main.ts');
  try {
    const synth = () => spawnSync(process.execPath, ['scripts/run.js', 'stacks/main.ts', '--outdir', outdir, '--env', 'dev'], { cwd: root, encoding: 'utf8' });
    expect(synth().status).toBe(0);
    expect(launcher.isFresh(paths)).toBe(true);
    const inputs = Object.keys(JSON.parse(fs.readFileSync(paths.inputs, 'utf8')));
    expect(inputs).toEqual(expect.arrayContaining(['stacks/environments/dev.ts', 'lib/workloads/agent-worker-pool.ts', 'package.json']));
    // An edit (here: a newer modification time) makes the bundle stale.
    const file = path.join(root, 'stacks', 'environments', 'dev.ts');
    const stat = fs.statSync(file);
    fs.utimesSync(file, stat.atime, new Date(stat.mtimeMs + 1000));
    try {
      expect(launcher.isFresh(paths)).toBe(false);
      expect(synth().status).toBe(0);
      expect(launcher.isFresh(paths)).toBe(true);
    } finally {
      fs.utimesSync(file, stat.atime, stat.mtime);
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('a source that does not compile is named with its line, and nothing is run', () => {
  // Inside the repository (esbuild resolves from there); build/ may not exist yet on a fresh clone.
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'build', 'run-broken-'));
  const entry = path.relative(root, path.join(dir, 'broken.ts'));
  try {
    fs.writeFileSync(path.join(dir, 'broken.ts'), 'export function cli(): number {\n  return 0 +;\n}\n');
    const result = spawnSync(process.execPath, ['scripts/run.js', entry], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot compile ${entry}:`);
    expect(result.stderr).toContain('[ERROR] Unexpected ";"');
    expect(result.stderr).toMatch(/broken\.ts:2:\d+:/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
