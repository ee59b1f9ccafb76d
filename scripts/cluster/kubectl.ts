/**
 * kubectl (the tools/kubernetes build) against a live cluster's admin kubeconfig. Never reads
 * ~/.kube/config: KUBECONFIG is always the cluster's own file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { binary } from './tools';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
}

function env(kubeconfig: string): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: kubeconfig, KUBECTL_KUBERC: 'false', HOME: process.env.HOME ?? '/tmp' };
}

/** Runs kubectl synchronously; never throws for a non-zero exit. */
export function kubectlSync(kubeconfig: string, argv: readonly string[], opts: KubectlOptions = {}): KubectlResult {
  const res = spawnSync(binary('kubectl'), argv, {
    env: env(kubeconfig),
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.error && res.status === null) throw res.error;
  return { code: res.status ?? -1, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** Runs kubectl without blocking the event loop (tests that poll or time things beside it). */
export function kubectl(kubeconfig: string, argv: readonly string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    // No stdin unless there is input: writing to the pipe of a kubectl that has already exited
    // (it never reads stdin for `get`) raised EPIPE as an uncaught error, failing a test (cold CI run).
    const child = spawn(binary('kubectl'), argv, { env: env(kubeconfig), stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (child.stdin) {
      // kubectl may exit (an error it reports on stderr) before it has read all of its input.
      child.stdin.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? undefined : reject(e)));
      child.stdin.end(opts.input);
    }
  });
}

/** Like `kubectlSync`, but throws with the command and stderr on a non-zero exit. */
export function mustKubectl(kubeconfig: string, argv: readonly string[], opts: KubectlOptions = {}): string {
  const res = kubectlSync(kubeconfig, argv, opts);
  if (res.code !== 0) throw new Error(`kubectl ${argv.join(' ')} exited ${res.code}:\n${res.stderr}${res.stdout}`);
  return res.stdout;
}

/** `kubectl get -o json` parsed. */
export function getJson<T = Record<string, unknown>>(kubeconfig: string, argv: readonly string[]): T {
  return JSON.parse(mustKubectl(kubeconfig, ['get', ...argv, '-o', 'json'])) as T;
}
