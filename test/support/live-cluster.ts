/**
 * What the live-cluster suites (test/cluster/) share: the cluster global-setup.ts started, the
 * manifests it synthesized, kubectl against it, and polling helpers.
 *
 * Time scale: simulated pods become Ready `podStartSeconds` after they are scheduled. Production's
 * start budget (agentWorker.podStartSeconds, 60 s) divided by AGENTASKIT_CLUSTER_TIME_SCALE
 * (default 10) keeps the suite short; AGENTASKIT_CLUSTER_TIME_SCALE=1 runs at real speed.
 * minReadySeconds and every other timing in the manifests are never scaled.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { SECRETS, SecretKey } from '../../lib/secrets';
import { ClusterState, clusterDir, readState } from '../../scripts/cluster/control-plane';
import { selfSignedCertificate } from '../../scripts/cluster/pki';
import { getJson, kubectl, KubectlResult, kubectlSync, mustKubectl } from '../../scripts/cluster/kubectl';
import { sleep } from '../../scripts/cluster/processes';
import { repoRoot } from '../../scripts/cluster/tools';
import { BASE, ENVIRONMENTS, EnvironmentName } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { agentPoolTiming } from '../../lib/workloads/agent-worker-pool';

function timeScale(): number {
  const raw = process.env.AGENTASKIT_CLUSTER_TIME_SCALE ?? '10';
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1) throw new Error(`AGENTASKIT_CLUSTER_TIME_SCALE="${raw}": use a number >= 1 (1 = real time, 10 = pods start 10× faster)`);
  return n;
}

const scale = timeScale();
const controllerApiQps = Number(process.env.AGENTASKIT_CLUSTER_CONTROLLER_QPS ?? 300);
if (!(controllerApiQps > 0)) throw new Error(`AGENTASKIT_CLUSTER_CONTROLLER_QPS="${process.env.AGENTASKIT_CLUSTER_CONTROLLER_QPS}": use a positive number (Kubernetes' default is 20; the suite's 300)`);
/** AGENTASKIT_CLUSTER_NAME: a second live cluster beside the default one (e.g. a production-speed run). */
const clusterName = process.env.AGENTASKIT_CLUSTER_NAME ?? 'test';
const dir = clusterDir({ name: clusterName });

export const LIVE = {
  clusterName,
  timeScale: scale,
  /** The controllers' API rate (AGENTASKIT_CLUSTER_CONTROLLER_QPS; Kubernetes' default is 20). */
  controllerApiQps,
  /** Every simulated pod's time from scheduled to Ready. */
  podStartSeconds: agentPoolTiming(BASE.agentWorker).podStartSeconds / scale,
  /** Every terminating pod's drain: an agent finishing its longest task (maxTaskSeconds), scaled. */
  podDrainSeconds: agentPoolTiming(BASE.agentWorker).maxTaskSeconds / scale,
  /** Releases whose pods run but never pass readiness (kwok stage pod-running-not-ready). */
  neverReadyAgentImage: 'ghcr.io/agentaskit/agent-worker:9.9.9-never-ready',
  neverReadyOrchestratorImage: 'ghcr.io/agentaskit/orchestrator:9.9.9-never-ready',
  /** Where global-setup.ts synthesized every environment (`dist/<env>/` of the README). */
  distDir: path.join(dir, 'dist'),
} as const;

export function namespaceOf(env: EnvironmentName): string {
  return `agentaskit-${env}`;
}

/** The running shared cluster; throws how to get one when there is none. */
export function cluster(): ClusterState {
  const state = readState(dir);
  if (!state) throw new Error(`no live cluster in ${dir}: run the suite with \`npm run test:cluster\` (its global setup starts one)`);
  return state;
}

export const kube = (argv: readonly string[], input?: string): string => mustKubectl(cluster().kubeconfig, argv, { input });
export const kubeResult = (argv: readonly string[], input?: string, timeoutMs?: number): Promise<KubectlResult> => kubectl(cluster().kubeconfig, argv, { input, timeoutMs });
export const kubeJson = <T = Record<string, unknown>>(argv: readonly string[]): T => getJson<T>(cluster().kubeconfig, argv);

/**
 * `kubectl get -o json` without blocking the event loop: for suites whose stand-in servers run in
 * the test process (a synchronous kubectl under load stalls them for seconds). Undefined when the
 * object does not exist or kubectl fails.
 */
export async function kubeJsonAsync<T = Record<string, any>>(argv: readonly string[]): Promise<T | undefined> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await kubectl(cluster().kubeconfig, ['get', ...argv, '-o', 'json']);
  if (res.code !== 0) return undefined;
  return JSON.parse(res.stdout) as T;
}

/** Synthesizes every environment with the README's command into LIVE.distDir. */
export function synthesizeAll(): void {
  const main = path.join(repoRoot(), 'build', 'stacks', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} missing: \`npm run test:cluster\` builds it first (npm run build)`);
  const res = spawnSync(process.execPath, [main, '--outdir', LIVE.distDir], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`synth failed:\n${res.stderr}${res.stdout}`);
}

export function envDir(env: EnvironmentName): string {
  return path.join(LIVE.distDir, env);
}

/** The synthesized file of one object of `env` (`NN-<kind>-<name>.yaml`, e.g. `deployment-orchestrator`). */
export function distFile(env: EnvironmentName, kindAndName: string): string {
  const file = fs.readdirSync(envDir(env)).find((f) => f.endsWith(`-${kindAndName}.yaml`));
  if (!file) throw new Error(`no ${kindAndName} in ${envDir(env)}`);
  return path.join(envDir(env), file);
}

export { ENVIRONMENTS };

/** Polls `probe` every `everyMs` until it returns a value that isn't undefined; throws after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

export interface DeploymentStatus {
  metadata: { generation: number; annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: Array<{ name: string; image: string }> } } };
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    terminatingReplicas?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

export function deployment(ns: string, name: string): DeploymentStatus {
  return kubeJson<DeploymentStatus>(['deployment', name, '-n', ns]);
}

/** True when a Deployment's rollout is complete: what `kubectl rollout status` waits for. */
export function rolledOut(d: DeploymentStatus): boolean {
  const s = d.status;
  return (
    (s.observedGeneration ?? 0) >= d.metadata.generation &&
    (s.updatedReplicas ?? 0) === d.spec.replicas &&
    (s.replicas ?? 0) === d.spec.replicas &&
    (s.availableReplicas ?? 0) === d.spec.replicas
  );
}

/** What the live suites put into the Secrets an operator creates (never real credentials). */
export const SECRET_VALUES: Readonly<Record<SecretKey, string>> = {
  pagerdutyRoutingKey: 'live-test-pagerduty-routing-key',
  slackWebhook: 'http://127.0.0.1:9/live-test-slack',
  ticketWebhook: 'http://127.0.0.1:9/live-test-ticketing',
  adminToken: 'live-test-admin-token',
};

/**
 * The Secrets the README's plain-kubectl route has the operator create before the folder: the four
 * of lib/secrets.ts and the API host's TLS certificate (`tlsSecretName`, self-signed for `apiHost`).
 */
export function prerequisiteSecrets(env: EnvironmentName): object[] {
  const config = loadEnvironment(env);
  const namespace = namespaceOf(env);
  const generic = (Object.keys(SECRETS) as SecretKey[]).map((k) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SECRETS[k].name, namespace },
    type: 'Opaque',
    stringData: { [SECRETS[k].key]: SECRET_VALUES[k] },
  }));
  const tls = selfSignedCertificate(config.apiHost);
  return [
    ...generic,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: config.tlsSecretName, namespace }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': tls.cert, 'tls.key': tls.key } },
  ];
}

/**
 * Applies an environment as the README's plain-kubectl route says: the namespace first, then the
 * Secrets the operator creates, then the whole folder; server-side, with strict field validation.
 * Returns the folder's apply, whose stderr holds any warning or rejection.
 */
export function applyEnvironment(env: EnvironmentName): KubectlResult & { warnings: string[] } {
  const kubeconfig = cluster().kubeconfig;
  const apply = (argv: string[], input?: string) => kubectlSync(kubeconfig, ['apply', '--server-side', '--validate=strict', ...argv], { input });
  for (const [what, res] of [
    ['namespace', apply(['-f', distFile(env, `namespace-${namespaceOf(env)}`)])],
    ['prerequisite Secrets', apply(['-f', '-'], prerequisiteSecrets(env).map((o) => stringify(o)).join('---\n'))],
  ] as const) {
    if (res.code !== 0 || res.stderr !== '') throw new Error(`${env}: applying the ${what} failed:\n${res.stderr}${res.stdout}`);
  }
  const res = apply(['-f', envDir(env)]);
  return { ...res, warnings: res.stderr.split('\n').filter((l) => /^Warning:/i.test(l)) };
}

/** Waits until no pod of the Deployment is still terminating (draining): the next phase starts clean. */
export async function drained(ns: string, name: string): Promise<void> {
  const timeoutMs = Math.max(10 * 60_000, (2 * LIVE.podDrainSeconds + 60) * 1000);
  await eventually(`${name}: no terminating pods`, () => ((deployment(ns, name).status.terminatingReplicas ?? 0) === 0 ? true : undefined), timeoutMs, 1000);
}
