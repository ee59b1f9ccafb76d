/**
 * Waits for Flagger's verdict on the orchestrator revision a `pulumi up` just applied, so a deploy
 * pipeline fails (and does not promote to the next environment) when the canary is rolled back.
 *
 *   npm run --silent wait-canary -- snapshot --environment <env> --state <file> [--context <ctx>]   # before pulumi up
 *   npm run --silent wait-canary -- wait --environment <env> --state <file> [--timeout <s>] [--context <ctx>]
 *
 * The namespace and the Canary's name come from the environment's config and the runbook
 * (`CANARY_NAME`), as the Pulumi program deploys them. `--context` is the stack's `kubeContext`:
 * the Pulumi program deploys to that context of the kubeconfig, so kubectl must read the same
 * cluster (empty or absent: the current context, as the program does then).
 *
 * `kubectl wait --for=condition=Promoted` alone is not enough: right after `pulumi up` the Canary
 * still shows the verdict on the previous revision (Promoted=True, Succeeded) until Flagger's next
 * tick notices the change, and the very first deploy ends in Initialized, not Succeeded. So the
 * snapshot records the Canary's `status.lastTransitionTime` and a hash of the target's pod
 * template; the wait then accepts only a verdict Flagger reached after the snapshot:
 * - Succeeded (promoted) or Initialized (first deploy, nothing to analyse): success;
 * - Failed (rolled back): failure, with the Canary's message;
 * - target template unchanged and no run started within two analysis intervals: nothing was
 *   released (a config-only change would have started a run by then); success unless the
 *   Canary still shows the failure of an earlier run;
 * - no verdict within `--timeout` (the stack output `canaryAnalysisTimeoutSeconds`; by default the
 *   same bound, computed from the environment's Canary): failure.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { CANARY_NAME } from '../lib/runbook';
import { parseFlaggerDuration } from '../lib/delivery/rollback-budget';
import { runbookCanaryTiming } from '../pulumi/canary-wait';
import { parseOptions, runCommand, UsageError } from '../stacks/cli';
import { ENVIRONMENTS } from '../stacks/config';
import { loadEnvironment } from '../stacks/environments';
import { synthesizeEnvironment } from '../stacks/synth';

/** What the Canary and its target looked like before `pulumi up`. */
export interface Snapshot {
  readonly canaryExisted: boolean;
  readonly lastTransitionTime?: string;
  readonly templateHash?: string;
}

/** What they look like now. */
export interface Observation {
  readonly phase?: string;
  readonly lastTransitionTime?: string;
  /** `status.conditions[type=Promoted].message`. */
  readonly message?: string;
  readonly templateHash?: string;
  readonly intervalSeconds: number;
}

export type Verdict = { readonly done: false } | { readonly done: true; readonly ok: boolean; readonly message: string };

/** Phases that end a run well: promoted, or created and initialized without analysis. */
const SUCCESS_PHASES = new Set(['Succeeded', 'Initialized']);
/** Analysis intervals within which Flagger starts a run for any change it tracks. */
export const DETECTION_INTERVALS = 2;

export function judge(name: string, before: Snapshot, now: Observation, elapsedSeconds: number, timeoutSeconds: number): Verdict {
  const newStatus = now.lastTransitionTime !== undefined && now.lastTransitionTime !== before.lastTransitionTime;
  const phase = now.phase ?? '(no status yet)';
  if (newStatus && SUCCESS_PHASES.has(phase)) return { done: true, ok: true, message: `canary ${name}: ${phase}` };
  if (newStatus && phase === 'Failed') {
    return { done: true, ok: false, message: `canary ${name} failed and was rolled back: ${now.message ?? 'no message'}` };
  }
  const released = !before.canaryExisted || now.templateHash !== before.templateHash;
  if (!released && !newStatus && elapsedSeconds >= DETECTION_INTERVALS * now.intervalSeconds) {
    return phase === 'Failed'
      ? { done: true, ok: false, message: `canary ${name}: no new revision, but its last run failed: ${now.message ?? 'no message'}` }
      : { done: true, ok: true, message: `canary ${name}: no new revision to analyse (phase ${phase})` };
  }
  if (elapsedSeconds >= timeoutSeconds) {
    return { done: true, ok: false, message: `canary ${name}: no verdict within ${timeoutSeconds} s (phase ${phase}); see kubectl describe canary/${name}` };
  }
  return { done: false };
}

/** Runs `kubectl get <resource> -o json`; undefined when the object does not exist. */
export type Kubectl = (resource: string, namespace: string) => Record<string, any> | undefined;

/** The argv of `kubectl get`; `--context` only when one is given, else kubectl's current context. */
export function kubectlArgs(resource: string, namespace: string, context?: string): string[] {
  return [...(context ? ['--context', context] : []), 'get', resource, '-n', namespace, '-o', 'json', '--ignore-not-found'];
}

/** The real kubectl, on the kubeconfig context the stack deploys to. */
function kubectlOn(context?: string): Kubectl {
  return (resource, namespace) => {
    const args = kubectlArgs(resource, namespace, context);
    let output: string;
    try {
      // stderr piped, not inherited: it is quoted once, in the error below.
      output = execFileSync('kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string; status?: number };
      if (failure.code === 'ENOENT') throw new Error('kubectl is not on the PATH; install it (the deploy pipelines get it with the runner image)');
      throw new Error(`kubectl ${args.join(' ')} failed (exit ${failure.status}): ${(failure.stderr ?? '').trim() || failure.message}`);
    }
    try {
      return JSON.parse(output || 'null') ?? undefined;
    } catch {
      throw new Error(`kubectl ${args.join(' ')} printed no JSON: ${output.slice(0, 200)}`);
    }
  };
}

function templateHashOf(get: Kubectl, canary: Record<string, any>, namespace: string): string | undefined {
  const target = canary.spec?.targetRef?.name;
  const deployment = typeof target === 'string' ? get(`deployment/${target}`, namespace) : undefined;
  return deployment === undefined ? undefined : createHash('sha256').update(JSON.stringify(deployment.spec?.template ?? null)).digest('hex');
}

export function snapshot(get: Kubectl, namespace: string, name: string): Snapshot {
  const canary = get(`canary/${name}`, namespace);
  if (canary === undefined) return { canaryExisted: false };
  const lastTransitionTime: string | undefined = canary.status?.lastTransitionTime;
  const templateHash = templateHashOf(get, canary, namespace);
  return { canaryExisted: true, ...(lastTransitionTime ? { lastTransitionTime } : {}), ...(templateHash ? { templateHash } : {}) };
}

/**
 * The analysis interval as the live Canary states it (`spec.analysis.interval`): the one Flagger
 * ticks at now, which may still be the previous revision's while `pulumi up` settles.
 */
export function canaryIntervalSeconds(canary: { readonly spec?: Record<string, any> }): number {
  return parseFlaggerDuration(String(canary.spec?.analysis?.interval ?? ''));
}

export function observe(get: Kubectl, namespace: string, name: string): Observation {
  const canary = get(`canary/${name}`, namespace);
  if (canary === undefined) throw new Error(`canary ${name} does not exist in namespace ${namespace} after pulumi up`);
  const promoted = (canary.status?.conditions ?? []).find((c: { type?: string }) => c.type === 'Promoted');
  const templateHash = templateHashOf(get, canary, namespace);
  return {
    intervalSeconds: canaryIntervalSeconds(canary),
    ...(canary.status?.phase ? { phase: canary.status.phase } : {}),
    ...(canary.status?.lastTransitionTime ? { lastTransitionTime: canary.status.lastTransitionTime } : {}),
    ...(promoted?.message ? { message: promoted.message } : {}),
    ...(templateHash ? { templateHash } : {}),
  };
}

export interface WaitOptions {
  readonly namespace: string;
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly get: Kubectl;
  /** Seconds since the wait began. */
  readonly clock: () => number;
  readonly sleep: (seconds: number) => void;
  readonly log: (message: string) => void;
}

export function waitForVerdict(before: Snapshot, options: WaitOptions): { ok: boolean; message: string } {
  let lastPhase: string | undefined;
  for (;;) {
    const now = observe(options.get, options.namespace, options.name);
    if (now.phase !== lastPhase) options.log(`canary ${options.name}: phase ${now.phase ?? '(none)'}`);
    lastPhase = now.phase;
    const verdict = judge(options.name, before, now, options.clock(), options.timeoutSeconds);
    if (verdict.done) return verdict;
    options.sleep(options.pollSeconds);
  }
}

const USAGE = [
  'Usage: npm run --silent wait-canary -- snapshot --environment <env> --state <file> [--context <kubeconfig context>]   (before pulumi up)',
  '       npm run --silent wait-canary -- wait --environment <env> --state <file> [--timeout <seconds>] [--context <kubeconfig context>]',
  `  <env>: ${ENVIRONMENTS.join(', ')}; --timeout defaults to the environment's canary bound (the stack output canaryAnalysisTimeoutSeconds)`,
].join('\n');

const SUBCOMMANDS = ['snapshot', 'wait'] as const;

/** The command line, checked: every mistake is named, with the usage. */
function parseCommandLine(argv: readonly string[]) {
  const { options, positionals } = parseOptions(
    argv,
    { environment: { values: ENVIRONMENTS }, state: { example: '<file>' }, timeout: { example: '<seconds>' }, context: { example: '<kubeconfig context>' } },
    USAGE,
    true,
  );
  const [mode, ...extra] = positionals;
  if (mode === undefined) throw new UsageError('missing the subcommand: snapshot (before pulumi up) or wait (after it)', USAGE);
  if (!(SUBCOMMANDS as readonly string[]).includes(mode)) throw new UsageError(`unknown subcommand "${mode}": use snapshot or wait`, USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, USAGE);
  const environment = options.environment?.[0];
  if (environment === undefined) throw new UsageError(`--environment is required (one of ${ENVIRONMENTS.join(', ')})`, USAGE);
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) throw new UsageError(`--environment is "${environment}", not one of ${ENVIRONMENTS.join(', ')}`, USAGE);
  const state = options.state?.[0];
  if (state === undefined) throw new UsageError('--state is required: the file snapshot writes and wait reads', USAGE);
  const timeout = options.timeout?.[0];
  if (mode === 'snapshot' && timeout !== undefined) throw new UsageError('--timeout applies to wait only', USAGE);
  return { mode: mode as (typeof SUBCOMMANDS)[number], environment, state, timeout, context: options.context?.[0] };
}

/** `--timeout` as whole seconds, or the environment's own bound (what the stack outputs). */
function timeoutSecondsOf(timeout: string | undefined, environment: string): number {
  if (timeout === undefined) {
    return runbookCanaryTiming(synthesizeEnvironment(loadEnvironment(environment))).wait.timeoutSeconds;
  }
  const seconds = Number(timeout);
  if (!/^\d+$/.test(timeout) || seconds < 1) {
    throw new UsageError(`--timeout is "${timeout}": pass whole seconds of at least 1, e.g. "$(pulumi stack output canaryAnalysisTimeoutSeconds --stack ${environment})", or leave it out for the environment's own bound`, USAGE);
  }
  return seconds;
}

/** The snapshot `wait` compares against, read back with what to do when it is missing or damaged. */
function readSnapshot(file: string, environment: string): Snapshot {
  const retake = `take it with \`npm run --silent wait-canary -- snapshot --environment ${environment} --state ${file}\` before pulumi up`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no snapshot at ${file}: ${retake}`);
    throw new Error(`cannot read the snapshot ${file} (${(error as Error).message}); ${retake}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not a snapshot written by wait-canary snapshot (${(error as Error).message}); ${retake}`);
  }
  if (typeof (parsed as Partial<Snapshot> | null)?.canaryExisted !== 'boolean') {
    throw new Error(`${file} is not a snapshot written by wait-canary snapshot (no "canaryExisted"); ${retake}`);
  }
  return parsed as Snapshot;
}

export function main(argv: readonly string[]): number {
  const { mode, environment, state, timeout, context } = parseCommandLine(argv);
  const kubectl = kubectlOn(context);
  const { namespace } = loadEnvironment(environment);
  const name = CANARY_NAME;
  if (mode === 'snapshot') {
    fs.writeFileSync(state, JSON.stringify(snapshot(kubectl, namespace, name)));
    return 0;
  }
  const timeoutSeconds = timeoutSecondsOf(timeout, environment);
  const before = readSnapshot(state, environment);
  const start = Date.now();
  const verdict = waitForVerdict(before, {
    namespace,
    name,
    timeoutSeconds,
    pollSeconds: 10,
    get: kubectl,
    clock: () => (Date.now() - start) / 1000,
    sleep: (seconds) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000),
    log: (message) => process.stderr.write(`${message}\n`),
  });
  (verdict.ok ? process.stdout : process.stderr).write(`${verdict.message}\n`);
  return verdict.ok ? 0 : 1;
}

/** The command: 0 promoted (or nothing to analyse), 1 rolled back or timed out, 2 it could not run. */
export function cli(argv: readonly string[]): number {
  return runCommand('wait-canary: ', () => main(argv), 2);
}

if (require.main === module) process.exitCode = cli(process.argv.slice(2));
