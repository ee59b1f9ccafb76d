/**
 * `npm run bench`: synthesis time of all environments next to the time Node needs just to load
 * cdk8s-plus-28, measured in the same run as a ratio (medians of several runs), so the figure
 * means the same on a fast or a loaded machine. Target: all three environments in under 1 s.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const root = path.join(__dirname, '..', '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
try {
  const baseline: number[] = [];
  const synth: number[] = [];
  // Interleaved, so drift in machine load affects both equally.
  for (let i = 0; i < RUNS; i++) {
    baseline.push(time(['-e', "require('cdk8s-plus-28')"]));
    synth.push(time([path.join('build', 'stacks', 'main.js'), '--outdir', outdir]));
  }
  const b = median(baseline);
  const s = median(synth);
  console.log(`runs: ${RUNS} (medians)`);
  console.log(`node -e "require('cdk8s-plus-28')"   ${b.toFixed(0).padStart(5)} ms`);
  console.log(`synth dev + staging + production     ${s.toFixed(0).padStart(5)} ms`);
  console.log(`ratio synth / bare require           ${(s / b).toFixed(2).padStart(5)} x`);
  console.log(`target: all environments under 1000 ms: ${s < 1000 ? 'met' : 'NOT met'}`);
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
