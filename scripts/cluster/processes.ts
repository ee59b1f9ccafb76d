/**
 * The live cluster's processes: started detached (so `npm run cluster -- up` can return and the
 * cluster keeps running), logging to files in the cluster's folder, stopped by pid.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A currently free loopback port (bind port 0, read it back, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True while something accepts connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill -0; it is gone for our purposes.
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Starts `bin args` in its own session, stdout and stderr appended to `logFile`. */
export function startDetached(bin: string, args: readonly string[], logFile: string, cwd: string, env?: NodeJS.ProcessEnv): number {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', fd, fd], ...(env ? { env } : {}) });
  fs.closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  return child.pid;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when every pid is gone. */
export async function stopAll(pids: readonly number[], graceMs = 10_000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  while (pids.some(alive)) await sleep(50);
}

/**
 * A detached `sh` that stops `pids` once `ownerPid` has exited: a test run that dies (killed by
 * a CI timeout, a crash) leaves no cluster behind. Returns the watchdog's pid.
 */
export function watchOwner(ownerPid: number, pids: readonly number[], cwd: string): number {
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done; kill -TERM ${pids.join(' ')} 2>/dev/null; sleep 5; kill -KILL ${pids.join(' ')} 2>/dev/null; exit 0`;
  const child = spawn('sh', ['-c', script], { cwd, detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? 0;
}

/** Polls `check` until it resolves true; throws `what` (with `hint()`) after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, hint: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${hint() ? `\n${hint()}` : ''}`);
    await sleep(200);
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
