/**
 * A real Flagger (v1.44.0, tools/flagger) deciding the production orchestrator canary on the live
 * cluster, with the real loadtester for its webhooks and a real Prometheus as metrics server, all
 * on loopback inside the suite's network namespace (scripts/cluster/isolated.sh).
 *
 * The orchestrator pods are kwok pods, so the application side is simulated
 * (orchestrator-sim.ts): the test sets, scenario by scenario, what the canary and primary pods'
 * contract series and health endpoints say, and Prometheus scrapes them.
 *
 * What differs from production is listed once, in TEST_OVERRIDES (docs/live-cluster.md, "Live
 * canary" repeats it): every other field of the Canary, its MetricTemplates and AlertProvider is
 * what `npm run synth` wrote to dist/production/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { parseFlaggerDuration, flaggerDuration, AnalysisTiming } from '../../lib/delivery/rollback-budget';
import { timingOfCanarySpec } from './canary-spec';
import { SCRAPE_INTERVAL_SECONDS } from '../../lib/metrics-contract';
import { APP_LABEL, CANARY_NAME, COMPONENTS } from '../../lib/runbook';
import { SECRETS } from '../../lib/secrets';
import { primaryNameOf } from '../../lib/workloads/labels';
import { freePort } from '../../scripts/cluster/processes';
import { requireLoopbackOnlyNetwork } from '../../scripts/cluster/network';
import { binary } from '../../scripts/cluster/tools';
import { cluster, DeploymentStatus, envDir, eventually, kube, kubeJson, kubeJsonAsync, namespaceOf, rolledOut } from './live-cluster';
import { startOrchestratorSim, OrchestratorSim } from './orchestrator-sim';
import { httpOk, Program, startProgram } from './programs';
import { PrometheusServer, startPrometheus } from './prometheus-server';
import { RecordingReceiver, startRecordingReceiver } from './recording-receiver';
import type { Json } from '../../lib/manifest';

/** Flagger raises any analysis interval below 10 s to 10 s (pkg/apis/flagger/v1beta1/canary.go:636-652). */
export const FLAGGER_MIN_INTERVAL_SECONDS = 10;

/**
 * Production's canary timings are divided by this (AGENTASKIT_CANARY_TIME_SCALE, default 3: the
 * 30 s interval becomes 10 s, Flagger's floor). 1 runs at production speed.
 */
export function canaryTimeScale(productionIntervalSeconds: number): number {
  const raw = process.env.AGENTASKIT_CANARY_TIME_SCALE ?? '3';
  const k = Number(raw);
  if (!Number.isFinite(k) || k < 1 || productionIntervalSeconds / k < FLAGGER_MIN_INTERVAL_SECONDS) {
    throw new Error(
      `AGENTASKIT_CANARY_TIME_SCALE="${raw}": use a number from 1 to ${productionIntervalSeconds / FLAGGER_MIN_INTERVAL_SECONDS} ` +
        `(the ${productionIntervalSeconds} s interval divided by it must stay at least Flagger's ${FLAGGER_MIN_INTERVAL_SECONDS} s floor)`,
    );
  }
  return k;
}

export const ENV = 'production' as const;
export const NS = namespaceOf(ENV);
export const TARGET = COMPONENTS.orchestrator.name;
export const PRIMARY = primaryNameOf(TARGET);

/** The synthesized objects of dist/production/ of the given kinds. */
export function synthesized(kinds: readonly string[]): Json[] {
  const dir = envDir(ENV);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Json))
    .filter((o) => kinds.includes(o.kind));
}

/**
 * Every way the test's Canary objects differ from dist/production/, with why. Applied by
 * {@link withTestOverrides}; docs/live-cluster.md lists the same.
 */
export const TEST_OVERRIDES = [
  'analysis.interval, analysis.metrics[].interval and progressDeadlineSeconds divided by AGENTASKIT_CANARY_TIME_SCALE (Prometheus scrapes every 30 s / scale, so the window keeps its 4 scrapes)',
  'webhook URLs: the loadtester on 127.0.0.1 instead of http://flagger-loadtester.flagger/',
  'health-check and acceptance-test commands: the simulated canary (127.0.0.1) instead of Service orchestrator-canary (no pod network: kwok pods have no process)',
  'load-test command: a curl to the simulated canary instead of hey (the simulated pods\' series carry the traffic; hey is not built)',
  'MetricTemplate provider address: the test Prometheus on 127.0.0.1 instead of kube-prometheus-stack-prometheus.monitoring:9090',
  'Secret agentaskit-slack: address of the Slack stand-in on 127.0.0.1',
  'no ingress controller: Flagger (provider nginx) writes the canary Ingress and its weight annotations, which nothing serves; the simulated pods\' traffic does not follow the weight',
] as const;

export interface OverrideContext {
  readonly scale: number;
  readonly prometheusUrl: string;
  readonly loadtesterUrl: string;
  readonly simUrl: string;
}

const scaled = (d: string, k: number) => flaggerDuration(parseFlaggerDuration(d) / k);

export function withTestOverrides(objects: readonly Json[], ctx: OverrideContext): Json[] {
  return objects.map((o) => {
    const c = structuredClone(o);
    if (c.kind === 'MetricTemplate') c.spec.provider.address = ctx.prometheusUrl;
    if (c.kind === 'Canary') {
      const s = c.spec;
      s.progressDeadlineSeconds = s.progressDeadlineSeconds / ctx.scale;
      s.analysis.interval = scaled(s.analysis.interval, ctx.scale);
      for (const m of s.analysis.metrics) m.interval = scaled(m.interval, ctx.scale);
      const canaryService = `http://${TARGET}-canary.${NS}:${s.service.port}`;
      for (const w of s.analysis.webhooks) {
        const u = new URL(w.url);
        w.url = new URL(u.pathname, ctx.loadtesterUrl).toString();
        if (w.metadata?.cmd) {
          w.metadata.cmd = w.metadata.cmd.startsWith('hey ')
            ? `curl -sf --max-time 4 ${ctx.simUrl}/load-test`
            : w.metadata.cmd.split(canaryService).join(ctx.simUrl);
          if (w.metadata.cmd.includes(`${TARGET}-canary.`)) throw new Error(`webhook ${w.name}: the canary Service URL is still in ${w.metadata.cmd}`);
        }
      }
    }
    return c;
  });
}

export interface CanaryHarness {
  readonly scale: number;
  readonly production: AnalysisTiming;
  /** The timing Flagger runs with (production's / scale). */
  readonly timing: AnalysisTiming;
  readonly prometheus: PrometheusServer;
  readonly sim: OrchestratorSim;
  readonly slack: RecordingReceiver;
  readonly loadtesterUrl: string;
  readonly flaggerUrl: string;
  readonly flagger: Program;
  readonly loadtester: Program;
  /** The Canary objects as applied (after overrides). */
  readonly canary: Json;
  /** Waits until the primary runs its HPA minimum, rolled out, and the agent pool is rolled out. */
  settled(): Promise<void>;
  /** A new release: the synthesized target Deployment with `image`, server-side applied as the pipeline does. Returns its time (ms). */
  release(image: string): number;
  canaryStatus(): Promise<Json>;
  stop(): Promise<void>;
}

interface PodList {
  items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec?: { nodeName?: string }; status?: { phase?: string; conditions?: Array<{ type: string; status: string }> } }>;
}

/** Scheduled, not terminating pods of the namespace (their process exports metrics), and whether each is Ready (gets traffic). */
async function scheduledPods(): Promise<Array<{ name: string; ready: boolean }>> {
  const { items } = (await kubeJsonAsync<PodList>(['pods', '-n', NS, '-l', `${APP_LABEL} in (${TARGET}, ${PRIMARY})`])) ?? { items: [] };
  return items
    .filter((p) => !p.metadata.deletionTimestamp && p.spec?.nodeName)
    .map((p) => ({ name: p.metadata.name, ready: p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') }));
}

/** Server-side apply of test-only objects (overrides, Secrets, CRs): they win over any earlier manager. */
export function applyObjects(objects: readonly Json[]): void {
  kube(['apply', '--server-side', '--force-conflicts', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
}

/** The synthesized orchestrator Deployment running `image`: what the deploy pipeline applies for a release. */
function orchestratorAt(image: string): Json {
  const d = structuredClone(synthesized(['Deployment']).find((o) => o.metadata.name === TARGET)!);
  d.spec.template.spec.containers.find((c: Json) => c.name === TARGET).image = image;
  return d;
}

/** Server-side apply as the README and the pipeline do (field manager kubectl, no force). */
function deploy(objects: readonly Json[]): void {
  kube(['apply', '--server-side', '--validate=strict', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
}

/**
 * dist/production/ applied, except that the orchestrator keeps the image it runs now: applying
 * the folder's image again would itself be a release. (A `kubectl set image` instead of an apply
 * would make the next apply fail with a field conflict, as the runbook says; the suites release
 * the way the pipeline does.)
 */
export function applyProduction(): void {
  const live = kubeJsonSafe(['deployment', TARGET, '-n', NS]);
  const image: string | undefined = live?.spec.template.spec.containers.find((c: Json) => c.name === TARGET)?.image;
  const objects = synthesized(['Namespace', 'PriorityClass', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Ingress', 'PodMonitor', 'PrometheusRule', 'AlertmanagerConfig', 'AlertProvider', 'MetricTemplate', 'Canary']);
  const all = fs.readdirSync(envDir(ENV)).filter((f) => f.endsWith('.yaml')).length;
  if (objects.length !== all) throw new Error(`applyProduction: ${all} files in ${envDir(ENV)} but ${objects.length} objects of the kinds listed; add the new kind`);
  deploy(objects.map((o) => (o.kind === 'Deployment' && o.metadata.name === TARGET && image ? orchestratorAt(image) : o)));
}

/** The Secrets the objects reference, with stand-in values on loopback. */
export function applySecrets(values: Partial<Record<keyof typeof SECRETS, string>>): void {
  const byName = new Map<string, Record<string, string>>();
  for (const [k, v] of Object.entries(values)) {
    const ref = SECRETS[k as keyof typeof SECRETS];
    byName.set(ref.name, { ...byName.get(ref.name), [ref.key]: v! });
  }
  applyObjects([...byName].map(([name, stringData]) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, type: 'Opaque', stringData })));
}

export async function startCanaryHarness(): Promise<CanaryHarness> {
  requireLoopbackOnlyNetwork('Flagger and its loadtester');
  const flaggerBin = binary('flagger');
  const loadtesterBin = binary('loadtester');
  applyProduction();

  const [canaryObj] = synthesized(['Canary']);
  const production = timingOfCanarySpec(canaryObj.spec);
  const scale = canaryTimeScale(production.intervalSeconds);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const slack = await startRecordingReceiver('slack');
    stops.push(slack.stop);
    applySecrets({ slackWebhook: `${slack.url}/flagger`, pagerdutyRoutingKey: 'test-routing-key', ticketWebhook: 'http://127.0.0.1:9/unused', adminToken: 'test' });
    const sim = await startOrchestratorSim(NS, scheduledPods);
    stops.push(sim.stop);
    const flaggerPort = await freePort();
    const scrapeSeconds = SCRAPE_INTERVAL_SECONDS / scale;
    const prometheus = await startPrometheus({
      openMetrics: '# EOF\n',
      scrapeInterval: `${scrapeSeconds}s`,
      evaluationInterval: `${scrapeSeconds}s`,
      scrapeConfigs: [
        // honor_labels: the simulated pods' namespace/pod labels stand for our PodMonitors' target
        // labels; Flagger's own `namespace` label is the canary's (docs/canary.md, honorLabels).
        { job_name: 'orchestrator-pods', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${sim.port}`] }] },
        { job_name: 'flagger', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${flaggerPort}`] }] },
      ],
    });
    stops.push(prometheus.stop);
    const ltPort = await freePort();
    const loadtester = await startProgram({
      name: 'loadtester',
      bin: loadtesterBin,
      // -timeout: the longest command it waits for; our bash webhooks' own timeouts are shorter.
      args: ['-port', String(ltPort), '-log-level', 'info', '-zap-encoding', 'json', '-timeout', '1m'],
      ports: [ltPort],
      ready: () => httpOk(`http://127.0.0.1:${ltPort}/healthz`),
    });
    stops.push(loadtester.stop);
    const loadtesterUrl = `http://127.0.0.1:${ltPort}/`;

    const objects = withTestOverrides(synthesized(['Canary', 'MetricTemplate', 'AlertProvider']), {
      scale,
      prometheusUrl: prometheus.url,
      loadtesterUrl,
      simUrl: sim.url,
    });
    applyObjects(objects);
    const canary = objects.find((o) => o.kind === 'Canary')!;

    const flagger = await startProgram({
      name: 'flagger',
      bin: flaggerBin,
      args: [
        '-kubeconfig', cluster().kubeconfig,
        '-namespace', NS,
        '-mesh-provider', canary.spec.provider,
        '-metrics-server', prometheus.url,
        '-port', String(flaggerPort),
        '-log-level', 'info',
        '-zap-encoding', 'json',
      ],
      ports: [flaggerPort],
      ready: () => httpOk(`http://127.0.0.1:${flaggerPort}/healthz`),
    });
    stops.push(flagger.stop);
    const canaryStatus = async () => (await kubeJsonAsync<Json>(['canary', CANARY_NAME, '-n', NS]))?.status ?? {};
    // First sight of a Canary: Flagger creates the primary, waits for it, scales the target to 0
    // (Initialized). A kept cluster's Canary may show the verdict of its last run instead.
    await eventually(
      'canary Initialized, Succeeded or Failed',
      async () => (['Initialized', 'Succeeded', 'Failed'].includes((await canaryStatus()).phase) ? true : undefined),
      5 * 60_000,
      1000,
    ).catch((e) => {
      throw new Error(`${e}\nflagger log:\n${flagger.log()}`);
    });
    const settled = async () => {
      // Flagger creates the primary with one replica (the target has none: its HPA owns the
      // count); HPA orchestrator-primary then raises it to minReplicas. A release while the
      // primary is below that fails the primary's readiness check, and past the progress deadline
      // Flagger rolls the release back (scheduler.go:294-310). The agent pool's pods, applied
      // beside, are the kwok backlog that delays those pods: wait for both.
      const min = synthesized(['HorizontalPodAutoscaler']).find((o) => o.metadata.name === TARGET)!.spec.minReplicas;
      await eventually(`${PRIMARY} rolled out with ${min} replicas, agent-worker rolled out`, async () => {
        const p = await kubeJsonAsync<DeploymentStatus>(['deployment', PRIMARY, '-n', NS]);
        const a = await kubeJsonAsync<DeploymentStatus>(['deployment', COMPONENTS.agentWorker.name, '-n', NS]);
        return p && a && p.spec.replicas >= min && rolledOut(p) && rolledOut(a) ? true : undefined;
      }, 10 * 60_000, 1000);
    };
    await settled();
    return {
      scale,
      settled,
      production,
      timing: timingOfCanarySpec(canary.spec),
      prometheus,
      sim,
      slack,
      loadtesterUrl,
      flaggerUrl: `http://127.0.0.1:${flaggerPort}`,
      flagger,
      loadtester,
      canary,
      release(image) {
        const at = Date.now();
        deploy([orchestratorAt(image)]);
        return at;
      },
      canaryStatus,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `kubectl get -o json`, undefined when the object does not exist (or kubectl fails). */
export function kubeJsonSafe(argv: readonly string[]): Json | undefined {
  try {
    return kubeJson<Json>(argv);
  } catch {
    return undefined;
  }
}

/** The image of the Deployment's first container. */
export function imageOf(name: string): string {
  return kubeJson<Json>(['deployment', name, '-n', NS]).spec.template.spec.containers[0].image;
}

/** POSTs a gate payload for our Canary to the loadtester (the runbook's manual gates). */
export async function loadtesterGate(baseUrl: string, gate: string): Promise<number> {
  const res = await fetch(new URL(gate, baseUrl), { method: 'POST', body: JSON.stringify({ name: CANARY_NAME, namespace: NS }) });
  await res.arrayBuffer();
  return res.status;
}

/** Weight of the canary Ingress Flagger writes (nginx): ingress-nginx's canary-weight annotation. */
export async function ingressCanaryWeight(): Promise<number | undefined> {
  const res = await kubeJsonAsync<Json>(['ingress', `${TARGET}-canary`, '-n', NS]);
  if (!res) return undefined;
  const a = res.metadata.annotations ?? {};
  if (a['nginx.ingress.kubernetes.io/canary'] !== 'true') return 0;
  return Number(a['nginx.ingress.kubernetes.io/canary-weight'] ?? 0);
}
