/**
 * scripts/run.js: the README's `npm run synth` without the tsc build, each source compiled once
 * and cached with V8's code cache (build/run/). The caches must never make a run use what a file
 * held before: these tests edit sources in a copy of the project and check the output follows.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEnvironment } from '../../stacks/environments';
import { renderOutput, synthesizeEnvironment } from '../../stacks/synth';

const root = path.join(__dirname, '..', '..');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;

jest.setTimeout(180_000);

/** A copy of what synthesis needs (node_modules linked), so the edits never touch the repository. */
function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-launcher-'));
  for (const entry of ['lib', 'stacks', 'imports', 'package.json', 'tsconfig.json', path.join('scripts', 'run.js')]) {
    fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function synth(dir: string, ...args: string[]): void {
  const result = spawnSync(process.execPath, ['scripts/run.js', 'stacks/main.ts', '--outdir', 'out', ...args], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`synth failed (${result.status}):\n${result.stderr}`);
}

/** Every file under `dir`, relative path to content. */
function read(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

/** The build/run/ files and their modification times. */
function cacheTimes(dir: string): Record<string, number> {
  return Object.fromEntries(Object.keys(read(path.join(dir, 'build', 'run'))).map((f) => [f, fs.statSync(path.join(dir, 'build', 'run', f)).mtimeMs]));
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

test('npm run synth runs the TypeScript entry through the launcher: no tsc (type-checking stays in npm test and npm run typecheck)', () => {
  expect(scripts.synth).toBe('node scripts/run.js stacks/main.ts');
  expect(scripts.synth).not.toMatch(/tsc|npm run build/);
  expect(scripts.test).toContain('npm run --silent typecheck');
});

describe('an edited environment file changes the output, however the caches hold it', () => {
  let dir: string;
  const devFile = () => path.join(dir, 'stacks', 'environments', 'dev.ts');
  const hpa = () => fs.readFileSync(path.join(dir, 'out', 'dev', '09-horizontalpodautoscaler-agent-worker.yaml'), 'utf8');
  /** Sets dev's pool size; the file keeps its size (one digit for another) and, with `sameTimes`, its modification time. */
  const setPoolSize = (size: number, sameTimes = false) => {
    const before = fs.statSync(devFile());
    const source = fs.readFileSync(devFile(), 'utf8');
    fs.writeFileSync(devFile(), source.replace(/poolSize: \d+/, `poolSize: ${size}`));
    if (sameTimes) fs.utimesSync(devFile(), before.atime, before.mtime);
    expect(fs.statSync(devFile()).size).toBe(before.size);
  };

  beforeAll(() => {
    dir = copyProject();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an edit right after a run (compared by content: the times are not trusted yet)', () => {
    synth(dir, '--env', 'dev');
    expect(hpa()).toContain('minReplicas: 8\n');
    expect(Object.keys(cacheTimes(dir))).toEqual(expect.arrayContaining([expect.stringMatching(/^stacks\/main\.v\d+.*\.cache$/), expect.stringMatching(/^node_modules\.v\d+.*\.cache$/)]));
    setPoolSize(9);
    synth(dir, '--env', 'dev');
    expect(hpa()).toContain('minReplicas: 9\n');
    // Back to 8 with the size and modification time the file had at the run before.
    setPoolSize(8, true);
    synth(dir, '--env', 'dev');
    expect(hpa()).toContain('minReplicas: 8\n');
  });

  test('an edit that keeps the size and the modification time of a file cached by its times', () => {
    sleep(2500); // dev.ts settles: the next run caches it by its times
    synth(dir, '--env', 'dev');
    setPoolSize(7, true);
    synth(dir, '--env', 'dev');
    expect(hpa()).toContain('minReplicas: 7\n');
  });

  test('a run with nothing changed rewrites no cache and no output', () => {
    sleep(2500);
    synth(dir, '--env', 'dev'); // caches the settled dev.ts by its times
    const caches = cacheTimes(dir);
    const output = fs.statSync(path.join(dir, 'out', 'dev')).mtimeMs;
    synth(dir, '--env', 'dev');
    expect(cacheTimes(dir)).toEqual(caches);
    expect(fs.statSync(path.join(dir, 'out', 'dev')).mtimeMs).toBe(output);
    expect(hpa()).toContain('minReplicas: 7\n');
  });
});

test('the launcher writes byte for byte what synthesis computes in this process, the Grafana SDK from its bundle too', () => {
  const dir = copyProject();
  try {
    synth(dir); // compiles everything, then bundles the Grafana SDK for the next run
    const vendor = fs.readdirSync(path.join(dir, 'build', 'run', 'stacks')).filter((f) => /^main\.vendor\..*\.js$/.test(f));
    expect(vendor).toHaveLength(1);
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    synth(dir); // from the caches and the bundle
    const expected: Record<string, string> = {};
    const environments = ['dev', 'staging', 'production'].map((name) => synthesizeEnvironment(loadEnvironment(name)));
    for (const [folder, files] of renderOutput(environments)) for (const [file, content] of files) expected[path.join(folder, file)] = content;
    expect(read(path.join(dir, 'out'))).toEqual(expected);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('import() works in a source, cached or not (V8 code cache would drop its callback)', () => {
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'build', 'run-import-'));
  const entry = path.relative(root, path.join(dir, 'entry.ts'));
  try {
    fs.writeFileSync(path.join(dir, 'entry.ts'), "export function cli(): number {\n  void import('node:os').then((os) => console.log(typeof os.cpus));\n  return 0;\n}\n");
    for (const run of ['first', 'cached']) {
      const result = spawnSync(process.execPath, ['scripts/run.js', entry], { cwd: root, encoding: 'utf8' });
      expect({ run, status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ run, status: 0, stdout: 'function\n', stderr: '' });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(root, 'build', 'run', path.dirname(entry)), { recursive: true, force: true }); // its cache
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
