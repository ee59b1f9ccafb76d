/**
 * awaitTools (scripts/cluster/tools.ts): how a live suite waits for a tool that
 * scripts/cluster/test-cluster.sh is still building in the background, against the markers
 * build-tools.sh writes (<wrapper>.building with its PID, <wrapper>.failed).
 */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awaitTools } from '../../../scripts/cluster/tools';

let dir: string;
let env: NodeJS.ProcessEnv;
let builder: ChildProcess | undefined;
const go = () => path.join(dir, 'go');

/** What build-tools.sh leaves once a wrapper is built: its binaries linked into go/bin. */
function built(...bins: string[]): void {
  for (const b of bins) fs.writeFileSync(path.join(go(), 'bin', b), '#!/bin/sh\n', { mode: 0o755 });
}

/** A live process whose command line names build-tools, as the real builder's does (`; :` keeps bash from exec'ing sleep). */
function startBuilder(): number {
  builder = spawn('bash', ['-c', 'sleep 60; :', 'build-tools.sh'], { stdio: 'ignore' });
  return builder.pid!;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'await-tools-'));
  fs.mkdirSync(path.join(go(), 'bin'), { recursive: true });
  env = { ...process.env, AGENTASKIT_TOOLS_DIR: dir };
});

afterEach(() => {
  builder?.kill();
  builder = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

it('resolves at once when the binaries are there and nothing builds them', async () => {
  built('flagger', 'loadtester');
  await expect(awaitTools(['flagger'], { timeoutMs: 1000, env })).resolves.toBeLessThan(1);
});

it('waits while the builder is alive and has the wrapper marked, then resolves with the seconds waited', async () => {
  fs.writeFileSync(path.join(go(), 'flagger.building'), `${startBuilder()}\n`);
  built('flagger', 'loadtester'); // an older build's links: not used while a rebuild runs
  const waits: string[] = [];
  setTimeout(() => fs.rmSync(path.join(go(), 'flagger.building'), { force: true }), 2500);
  const waited = await awaitTools(['flagger'], { timeoutMs: 30_000, env, onWait: (w) => waits.push(w) });
  expect(waited).toBeGreaterThanOrEqual(2.5);
  expect(waits).toEqual(['flagger']);
});

it('ignores a marker whose process is gone (a killed build) and then needs the binaries', async () => {
  fs.writeFileSync(path.join(go(), 'flagger.building'), '999999999\n');
  await expect(awaitTools(['flagger'], { timeoutMs: 30_000, env })).rejects.toThrow(/flagger not found in .*npm run cluster:tools -- flagger/);
});

it('fails at once with the build\'s error and the tail of its log when the build failed', async () => {
  const log = path.join(dir, 'suite-tools.log');
  fs.writeFileSync(log, 'go: downloading x\n# github.com/fluxcd/flagger\nmain.go:1: undefined: Foo\n');
  fs.writeFileSync(path.join(go(), 'flagger.failed'), `build-tools: building flagger failed (exit 1); log: ${log}\n`);
  await expect(awaitTools(['flagger'], { timeoutMs: 30_000, env })).rejects.toThrow(
    /building flagger failed \(exit 1\)[\s\S]*undefined: Foo[\s\S]*npm run cluster:tools -- flagger/,
  );
});

it('gives up after the timeout while the builder still runs, naming it and the log', async () => {
  const pid = startBuilder();
  fs.writeFileSync(path.join(go(), 'kube-state-metrics.building'), `${pid}\n`);
  await expect(awaitTools(['kube-state-metrics'], { timeoutMs: 100, env })).rejects.toThrow(new RegExp(`kube-state-metrics is still being built by build-tools.sh \\(pid ${pid}\\).*suite-tools.log`));
});
