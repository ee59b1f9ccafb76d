/**
 * Long-running programs a live suite starts beside the cluster (Flagger, the loadtester,
 * kube-state-metrics, prometheus-operator, Alertmanager): logs in the cluster's folder, a
 * watchdog that stops them if the test process dies, and a stop() that waits until the process
 * and its port are gone. A suite must stop every program it starts (afterAll).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alive, logTail, portOpen, sleep, startDetached, stopAll, waitFor, watchOwner } from '../../scripts/cluster/processes';
import { cluster } from './live-cluster';

export interface Program {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The ports it was told to listen on (checked closed after stop). */
  readonly ports: readonly number[];
  log(lines?: number): string;
  stop(): Promise<void>;
}

export interface ProgramOptions {
  readonly name: string;
  readonly bin: string;
  readonly args: readonly string[];
  readonly ports: readonly number[];
  /** Environment beyond the test's own (e.g. KUBECONFIG). */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves true once it serves. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

const started = new Set<Program>();

export async function startProgram(opts: ProgramOptions): Promise<Program> {
  const dir = path.join(cluster().dir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, `${opts.name}.log`);
  fs.writeFileSync(logFile, `# ${opts.bin} ${opts.args.join(' ')}\n`);
  // Explicitly: Jest's process.env is the test's copy, not what child_process passes on by default.
  const pid = startDetached(opts.bin, opts.args, logFile, dir, { ...process.env, ...opts.env });
  const watchdog = watchOwner(process.pid, [pid], dir);
  const program: Program = {
    name: opts.name,
    pid,
    logFile,
    ports: opts.ports,
    log: (lines = 40) => logTail(logFile, lines),
    async stop() {
      started.delete(program);
      await stopAll([pid]);
      if (watchdog && alive(watchdog)) await stopAll([watchdog], 1000);
      for (const port of opts.ports) {
        await waitFor(`${opts.name}: port ${port} closed`, async () => !(await portOpen(port)), 10_000);
      }
    },
  };
  started.add(program);
  try {
    await waitFor(`${opts.name} ready`, async () => {
      if (!alive(pid)) throw new Error('exited');
      return opts.ready();
    }, opts.readyTimeoutMs ?? 60_000, () => `${opts.name} log (${logFile}):\n${logTail(logFile)}`);
    if (!alive(pid)) throw new Error(`${opts.name} exited:\n${logTail(logFile)}`);
  } catch (e) {
    await program.stop();
    throw e;
  }
  return program;
}

/** Stops every program still running (a suite's afterAll safety net). */
export async function stopPrograms(): Promise<void> {
  for (const p of [...started]) await p.stop();
}

/** GET `url` answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export { sleep };
