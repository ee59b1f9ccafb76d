/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (admission on, PodSecurity
 * included), kube-controller-manager and kube-scheduler as built by tools/kubernetes, and kwok
 * playing the kubelets of simulated nodes. Every component listens on 127.0.0.1 only, on free
 * ports; the cluster lives in its own folder (PKI, kubeconfigs, logs, etcd data, state.json) and
 * never touches ~/.kube/config.
 *
 * Started directly rather than through kwokctl: we need every bind address on loopback (kwokctl
 * binds 0.0.0.0 by default), free ports for every component (kwokctl fixes some), and the exact
 * flags below, which are the cluster's documented differences from a production control plane.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_NODE_POOL, FAKE_NODE_ANNOTATION, NodePoolSpec } from './nodes';
import { createPki, kubeconfig, Pki } from './pki';
import { alive, freePort, logTail, portOpen, startDetached, stopAll, waitFor, watchOwner } from './processes';
import { containerLogs, lifecycleStages, simulatedLog } from './stages';
import { binary, goModuleDir, repoRoot, toolVersion } from './tools';

export interface ClusterOptions {
  /** Folder name under `stateRoot`; @default 'local' */
  readonly name?: string;
  /** @default <repo>/.cluster */
  readonly stateRoot?: string;
  /** @default DEFAULT_NODE_POOL */
  readonly nodes?: NodePoolSpec;
  /** Seconds from scheduled to Ready for every pod; @default 1 */
  readonly podStartSeconds?: number;
  /** Seconds a terminating pod drains before it is gone; @default 1 */
  readonly podDrainSeconds?: number;
  /** Pods running one of these images never become Ready (a broken release). @default [] */
  readonly neverReadyImages?: readonly string[];
  /**
   * The controller-manager's client rate (`--kube-api-qps`; burst twice that; Kubernetes: 20 and 30).
   * Kubernetes' default is 20, which makes the ReplicaSet controller's pod creation part of every
   * rollout wave (measured in docs/live-cluster.md). @default 300: the controllers are not the bottleneck
   */
  readonly controllerApiQps?: number;
  /** Stop the cluster when this process exits (test runs). @default none: it runs until `down` */
  readonly ownerPid?: number;
  readonly log?: (line: string) => void;
}

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
type Component = (typeof COMPONENTS)[number];

export interface ClusterState {
  readonly name: string;
  readonly dir: string;
  /** Admin kubeconfig (token of a system:masters user). */
  readonly kubeconfig: string;
  readonly server: string;
  readonly version: string;
  readonly ports: Readonly<Record<Component | 'etcdPeer', number>>;
  readonly pids: Readonly<Record<Component, number>>;
  readonly watchdogPid?: number;
  readonly podStartSeconds: number;
  readonly podDrainSeconds: number;
  readonly neverReadyImages: readonly string[];
  readonly nodes: NodePoolSpec;
  /** Seconds each phase of `up` took. */
  readonly timings: Readonly<Record<string, number>>;
}

export function clusterDir(opts: Pick<ClusterOptions, 'name' | 'stateRoot'> = {}): string {
  return path.join(opts.stateRoot ?? path.join(repoRoot(), '.cluster'), opts.name ?? 'local');
}

export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** GET `path` on the API server as admin; resolves with status and body. */
export function apiGet(state: Pick<ClusterState, 'server' | 'dir'>, urlPath: string, token: string): Promise<{ status: number; body: string }> {
  const ca = fs.readFileSync(path.join(state.dir, 'pki', 'ca.crt'));
  return new Promise((resolve, reject) => {
    const req = https.get(`${state.server}${urlPath}`, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

function args(flags: Record<string, string | number | boolean>): string[] {
  return Object.entries(flags).map(([k, v]) => `--${k}=${v}`);
}

/** Starts a cluster (or fails if one of that name is running) and waits until nodes are Ready. */
export async function up(opts: ClusterOptions = {}): Promise<ClusterState> {
  const log = opts.log ?? (() => undefined);
  const dir = clusterDir(opts);
  const existing = readState(dir);
  if (existing && Object.values(existing.pids).some(alive)) {
    throw new Error(`cluster "${existing.name}" is already running (${dir}); stop it with \`npm run cluster -- down${opts.name ? ` --name ${opts.name}` : ''}\``);
  }
  const bins = Object.fromEntries(COMPONENTS.map((c) => [c, binary(c)])) as Record<Component, string>;
  binary('kubectl');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const lap = (what: string, since: number) => (timings[what] = (Date.now() - since) / 1000);

  const pki: Pki = createPki(path.join(dir, 'pki'));
  const ports = {
    etcd: await freePort(),
    etcdPeer: await freePort(),
    'kube-apiserver': await freePort(),
    'kube-controller-manager': await freePort(),
    'kube-scheduler': await freePort(),
    kwok: await freePort(),
  };
  const server = `https://127.0.0.1:${ports['kube-apiserver']}`;
  const name = opts.name ?? 'local';
  const cfg = (id: Parameters<typeof kubeconfig>[2]) => {
    const file = path.join(dir, `${id}.kubeconfig`);
    fs.writeFileSync(file, kubeconfig(pki, server, id, `agentaskit-${name}`), { mode: 0o600 });
    return file;
  };
  const adminConfig = cfg('admin');
  const cmConfig = cfg('controllerManager');
  const schedConfig = cfg('scheduler');
  const kwokConfig = cfg('kwok');
  const nodes = opts.nodes ?? DEFAULT_NODE_POOL;
  const podStartSeconds = opts.podStartSeconds ?? 1;
  const podDrainSeconds = opts.podDrainSeconds ?? 1;
  const neverReadyImages = opts.neverReadyImages ?? [];
  const qps = opts.controllerApiQps ?? 300;

  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const argv: Record<Component, string[]> = {
    etcd: args({
      name: 'default',
      'data-dir': path.join(dir, 'etcd'),
      'listen-client-urls': etcdUrl,
      'advertise-client-urls': etcdUrl,
      'listen-peer-urls': peerUrl,
      'initial-advertise-peer-urls': peerUrl,
      'initial-cluster': `default=${peerUrl}`,
      // Test data only: durability is not worth the fsync latency on a CI disk.
      'unsafe-no-fsync': true,
      'log-level': 'warn',
    }),
    'kube-apiserver': args({
      'etcd-servers': etcdUrl,
      'bind-address': '127.0.0.1',
      'advertise-address': '127.0.0.1',
      'secure-port': ports['kube-apiserver'],
      'tls-cert-file': pki.serverCert,
      'tls-private-key-file': pki.serverKey,
      'client-ca-file': pki.caCert,
      'token-auth-file': pki.tokenFile,
      'authorization-mode': 'RBAC',
      'service-account-issuer': 'https://kubernetes.default.svc.cluster.local',
      'service-account-key-file': pki.serviceAccountPub,
      'service-account-signing-key-file': pki.serviceAccountKey,
      'service-cluster-ip-range': '10.96.0.0/16',
      'allow-privileged': false,
      profiling: false,
      // The kubernetes Service would get 127.0.0.1 as its endpoint, which endpoint validation
      // rejects (loopback); nothing in the cluster calls the API through that Service.
      'endpoint-reconciler-type': 'none',
    }),
    'kube-controller-manager': args({
      kubeconfig: cmConfig,
      'authentication-kubeconfig': cmConfig,
      'authorization-kubeconfig': cmConfig,
      'bind-address': '127.0.0.1',
      'secure-port': ports['kube-controller-manager'],
      'leader-elect': false,
      'use-service-account-credentials': true,
      'service-account-private-key-file': pki.serviceAccountKey,
      'root-ca-file': pki.caCert,
      // ~1 000 pods change state within seconds during a rollout; client-go's default 20 qps
      // would make the controllers, not the workload, the bottleneck we measure.
      'kube-api-qps': qps,
      'kube-api-burst': 2 * qps,
    }),
    'kube-scheduler': [
      ...args({
        config: path.join(dir, 'scheduler.yaml'),
        'authentication-kubeconfig': schedConfig,
        'authorization-kubeconfig': schedConfig,
        'bind-address': '127.0.0.1',
        'secure-port': ports['kube-scheduler'],
      }),
    ],
    kwok: args({
      kubeconfig: kwokConfig,
      config: path.join(dir, 'kwok.yaml'),
      'manage-nodes-with-annotation-selector': `${FAKE_NODE_ANNOTATION}=fake`,
      // Pod IPs are status strings only: nothing connects to them.
      cidr: '10.0.0.1/16',
      // The API server dials a node's address for logs/exec: keep that on loopback, at kwok.
      'node-ip': '127.0.0.1',
      'node-port': ports.kwok,
      'server-address': `127.0.0.1:${ports.kwok}`,
      'tls-cert-file': pki.serverCert,
      'tls-private-key-file': pki.serverKey,
    }),
  };
  fs.writeFileSync(
    path.join(dir, 'scheduler.yaml'),
    stringify({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: schedConfig, qps: 300, burst: 600 },
      leaderElection: { leaderElect: false },
    }),
  );
  const kwokModule = goModuleDir('sigs.k8s.io/kwok', toolVersion('kwok'), 'kwok');
  const podLog = path.join(dir, 'simulated-container.log');
  fs.writeFileSync(podLog, simulatedLog(new Date()));
  fs.writeFileSync(
    path.join(dir, 'kwok.yaml'),
    stringify({
      apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
      kind: 'KwokConfiguration',
      // Upstream defaults are 4: too few to move ~1 000 pods through their stages in seconds.
      // Leases: the stage node-heartbeat-with-lease renews node status rarely and relies on them; without
      // them the node lifecycle controller marks every node Unknown and its pods NotReady after 50 s.
      // Debugging handlers: the kubelet endpoints behind `kubectl logs` (served from the
      // ClusterLogs rule below; exec has no Exec rule, so it has nothing to run). Profiling off.
      options: {
        podPlayStageParallelism: 32,
        nodePlayStageParallelism: 8,
        nodeLeaseParallelism: 8,
        nodeLeaseDurationSeconds: 40,
        enableDebuggingHandlers: true,
        enableProfilingHandler: false,
      },
    }) +
      '---\n' +
      lifecycleStages(kwokModule, { podStartSeconds, podDrainSeconds, neverReadyImages }) +
      '---\n' +
      containerLogs(podLog),
  );

  const pids: Partial<Record<Component, number>> = {};
  const logOf = (c: Component) => path.join(dir, 'logs', `${c}.log`);
  const start = (c: Component) => {
    pids[c] = startDetached(bins[c], argv[c], logOf(c), dir);
    log(`started ${c} (pid ${pids[c]}, 127.0.0.1:${ports[c]})`);
  };
  const failed = (c: Component) => () => `${c} log (${logOf(c)}):\n${logTail(logOf(c))}`;
  const token = pki.tokens.admin;
  try {
    let t = Date.now();
    start('etcd');
    await waitFor('etcd /health', async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000, failed('etcd'));
    lap('etcd', t);
    t = Date.now();
    start('kube-apiserver');
    await waitFor('kube-apiserver /readyz', async () => (await apiGet({ server, dir }, '/readyz', token)).status === 200, 90_000, failed('kube-apiserver'));
    lap('kube-apiserver', t);
    t = Date.now();
    start('kube-controller-manager');
    start('kube-scheduler');
    start('kwok');
    await waitFor('controller-manager and scheduler serving', async () => (await portOpen(ports['kube-controller-manager'])) && (await portOpen(ports['kube-scheduler'])), 60_000, () => failed('kube-controller-manager')() + '\n' + failed('kube-scheduler')());
    lap('controllers', t);
  } catch (e) {
    await stopAll(Object.values(pids));
    throw e;
  }
  const versionBody = JSON.parse((await apiGet({ server, dir }, '/version', token)).body) as { gitVersion: string };
  const state: ClusterState = {
    name,
    dir,
    kubeconfig: adminConfig,
    server,
    version: versionBody.gitVersion,
    ports,
    pids: pids as Record<Component, number>,
    watchdogPid: opts.ownerPid ? watchOwner(opts.ownerPid, Object.values(pids), dir) : undefined,
    podStartSeconds,
    podDrainSeconds,
    neverReadyImages,
    nodes,
    timings: { ...timings, total: (Date.now() - t0) / 1000 },
  };
  fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(state, null, 2) + '\n');
  return state;
}

/** Stops every process of the cluster in `dir` and checks that no port is left open. */
export async function down(dir: string): Promise<{ stopped: number; portsLeft: number[] }> {
  const state = readState(dir);
  if (!state) return { stopped: 0, portsLeft: [] };
  const pids = [...COMPONENTS].reverse().map((c) => state.pids[c]).filter((p): p is number => typeof p === 'number');
  const running = pids.filter(alive);
  await stopAll(running);
  if (state.watchdogPid && alive(state.watchdogPid)) await stopAll([state.watchdogPid], 1000);
  const portsLeft = await ourListeners(Object.values(state.ports));
  fs.rmSync(path.join(dir, 'state.json'), { force: true });
  return { stopped: running.length, portsLeft };
}

/**
 * Which of `ports` one of the cluster's programs still listens on. Asked of `ss` by program name:
 * once freed, a port may be taken by any other process of the machine (another test's server),
 * which is not ours to report. Without `ss`, any listener counts.
 */
async function ourListeners(ports: readonly number[]): Promise<number[]> {
  const ss = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  if (ss.status !== 0) {
    const open: number[] = [];
    for (const port of ports) if (await portOpen(port)) open.push(port);
    return open;
  }
  const ours = new RegExp(`"(${COMPONENTS.map((c) => c.slice(0, 15)).join('|')})"`);
  return ports.filter((port) => ss.stdout.split('\n').some((l) => l.includes(`:${port} `) && ours.test(l)));
}

export function isRunning(state: ClusterState): Record<Component, boolean> {
  return Object.fromEntries(COMPONENTS.map((c) => [c, alive(state.pids[c])])) as Record<Component, boolean>;
}
