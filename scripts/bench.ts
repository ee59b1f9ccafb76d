/**
 * `npm run bench`: the README's `npm run synth`, timed as a user waits for it, next to the time
 * Node needs just to load cdk8s-plus-28, all in one run and reported as ratios (medians of
 * interleaved runs), so the figures mean the same on a fast or a loaded machine.
 *
 * Measured in a copy of the working tree (node_modules linked), so the edits it makes never touch
 * your files:
 * - edit-then-synth: one environment file changed (dev's pool size, alternately +1 and -1), then
 *   `npm run synth`: that file is compiled again and dist/dev/ rewritten;
 * - no-change synth: `npm run synth` again;
 * - synthesis alone: `node scripts/run.js stacks/main.ts`, nothing changed, without npm.
 *
 * For scale (no targets): Node's start-up alone (`node -e 0`), and `npm run` of a script that
 * does only that, which is what npm's own start-up adds to any `npm run` (the copy's package.json
 * gets that script). The load average is printed before and after: the ratios hold under load
 * because every command is timed alike, but a very busy machine still spreads them.
 *
 * Targets (issue #12): edit-then-synth under 1 s and within 3× the bare require, no-change synth
 * within 3×, synthesis alone within 2×.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../stacks/cli';

/** The repository: the nearest folder above this file with a package.json (from scripts/ or a bundle in build/run/). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = path.dirname(dir);
  }
  return dir;
}
const root = repositoryRoot();
/** The environment file the edit changes, and the edit (a value synthesis uses, so the output changes). */
const EDITED_FILE = path.join('stacks', 'environments', 'dev.ts');
const EDITED_VALUE = /poolSize: (\d+)/;
/** The script the copy's package.json gets for timing `npm run` itself. */
const NPM_FLOOR_SCRIPT = 'bench:node';

export interface Targets {
  readonly editSeconds: number;
  readonly editRatio: number;
  readonly noChangeRatio: number;
  readonly aloneRatio: number;
}

export const TARGETS: Targets = { editSeconds: 1, editRatio: 3, noChangeRatio: 3, aloneRatio: 2 };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds a command takes, start to exit; fails with its output when it fails. */
function time(cwd: string, command: string, args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr || result.stdout}`);
  return ms;
}

/** The working tree's files (tracked and new, not ignored) copied to `dir`, with node_modules linked. */
function copyWorkingTree(dir: string): void {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // A script that only starts Node: what `npm run` itself costs.
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  manifest.scripts[NPM_FLOOR_SCRIPT] = 'node -e 0';
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Changes the edited value of the environment file in `dir` (the n-th edit: +1 or -1). */
function editEnvironment(dir: string, n: number): void {
  const file = path.join(dir, EDITED_FILE);
  const source = fs.readFileSync(file, 'utf8');
  if (!EDITED_VALUE.test(source)) throw new Error(`${EDITED_FILE} has no "poolSize: <n>" for the benchmark to edit`);
  fs.writeFileSync(file, source.replace(EDITED_VALUE, (_m, value: string) => `poolSize: ${Number(value) + (n % 2 === 0 ? 1 : -1)}`));
}

function bench(runs: number): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    copyWorkingTree(dir);
    const out = path.join(dir, 'dist');
    const synth = ['run', '--silent', 'synth', '--', '--outdir', out];
    time(dir, 'npm', synth); // builds the bundle and dist/ once, as the user's first run does
    const samples = { bare: [] as number[], edit: [] as number[], noChange: [] as number[], alone: [] as number[], node: [] as number[], npmNode: [] as number[] };
    const loadBefore = os.loadavg();
    // Interleaved, so drift in machine load affects every command alike.
    for (let i = 0; i < runs; i++) {
      samples.bare.push(time(dir, process.execPath, ['-e', "require('cdk8s-plus-28')"]));
      editEnvironment(dir, i);
      samples.edit.push(time(dir, 'npm', synth));
      samples.noChange.push(time(dir, 'npm', synth));
      samples.alone.push(time(dir, process.execPath, [path.join('scripts', 'run.js'), path.join('stacks', 'main.ts'), '--outdir', out]));
      samples.node.push(time(dir, process.execPath, ['-e', '0']));
      samples.npmNode.push(time(dir, 'npm', ['run', '--silent', NPM_FLOOR_SCRIPT]));
    }
    const loadAfter = os.loadavg();
    const bare = median(samples.bare);
    const row = (label: string, values: number[], ratioTarget: number, extra = '') => {
      const ms = median(values);
      const met = ms / bare <= ratioTarget && (extra === '' || ms < TARGETS.editSeconds * 1000);
      console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / bare).toFixed(2).padStart(5)} x  target ≤ ${ratioTarget} x${extra}: ${met ? 'met' : 'NOT met'}`);
      return met;
    };
    const scale = (label: string, values: number[]) => console.log(`${label.padEnd(52)} ${median(values).toFixed(0).padStart(5)} ms  ${(median(values) / bare).toFixed(2).padStart(5)} x`);
    const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
    console.log(`runs: ${runs} (medians, interleaved, in a copy of the working tree); load average ${load(loadBefore)} before, ${load(loadAfter)} after, ${os.cpus().length} CPUs`);
    console.log(`${"node -e \"require('cdk8s-plus-28')\"".padEnd(52)} ${bare.toFixed(0).padStart(5)} ms   1.00 x`);
    const met = [
      row(`npm run synth after editing ${EDITED_FILE}`, samples.edit, TARGETS.editRatio, ` and < ${TARGETS.editSeconds * 1000} ms`),
      row('npm run synth, nothing changed', samples.noChange, TARGETS.noChangeRatio),
      row('synthesis alone (node scripts/run.js stacks/main.ts)', samples.alone, TARGETS.aloneRatio),
    ];
    console.log('for scale:');
    scale('node -e 0 (Node start-up)', samples.node);
    scale(`npm run of a script that runs node -e 0`, samples.npmNode);
    return met.every(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the table; exit code 0 even when a target is missed (a benchmark informs, it does not gate). */
export function cli(argv: readonly string[]): number {
  return runCommand('bench: ', () => {
    const runs = Number(argv[0] ?? process.env.BENCH_RUNS ?? 9);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs is "${argv[0] ?? process.env.BENCH_RUNS}"; pass a whole number of runs, e.g. npm run bench -- 9`);
    bench(runs);
    return 0;
  });
}

if (require.main === module) process.exitCode = cli(process.argv.slice(2));
