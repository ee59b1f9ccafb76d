/**
 * `promtool test rules` cases for every WF-001 alert: a firing case just past each threshold and
 * a silent case just short of it (4.9% vs 5.1% unhealthy agents, 0.9% vs 1.1% errors, p99 190 ms
 * vs 210 ms, pending 4 vs 6 minutes, ...), with the labels and the measured value each firing
 * alert must show. Values are worked out by hand from the series (see the comments), not read
 * back from Prometheus.
 */
import { AlertKey } from '../../../lib/observability/alerts';
import { METRICS } from '../../../lib/metrics-contract';
import { COMPONENTS, DashboardKey, namespaceFor } from '../../../lib/runbook';
import { primaryNameOf } from '../../../lib/workloads/labels';

export const CASES_NAMESPACE = namespaceFor('production');

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface ExpectedAlert {
  /** Labels of the alert besides alertname, severity and priority (which the catalogue fixes). */
  readonly labels: Readonly<Record<string, string>>;
  /** `$value` as the description's template formats it. */
  readonly value: string;
  /** The dashboard `dashboard_url` must open. @default the catalogue's dashboard of the alert */
  readonly dashboard?: DashboardKey;
}

export interface AlertCase {
  readonly name: string;
  readonly alert: AlertKey;
  readonly series: readonly InputSeries[];
  /** Minutes after the first sample (samples are 1 minute apart). */
  readonly evalMinutes: number;
  /** Empty: the alert must be silent. */
  readonly expect: readonly ExpectedAlert[];
}

const NS = CASES_NAMESPACE;
const ORCHESTRATOR = { namespace: NS, component: COMPONENTS.orchestrator.name, pod: 'orchestrator-primary-7d9f-abcde' };
const AGENT_MANAGER = { namespace: NS, component: COMPONENTS.agentManager.name, pod: 'agent-manager-5c6d-fghij' };
const AGENT_MANAGER_2 = { ...AGENT_MANAGER, pod: 'agent-manager-5c6d-pqrst' };
const AGENT_WORKER = { namespace: NS, component: COMPONENTS.agentWorker.name, pod: 'agent-worker-6b7c-klmno' };

function sel(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** A series constant at `value` for `minutes`. */
const constant = (name: string, labels: Record<string, string>, value: number, minutes = 30): InputSeries => ({
  series: sel(name, labels),
  values: `${value}+0x${minutes}`,
});

/** A counter growing by `perMinute` for each span of `[perMinute, minutes]`, as explicit samples. */
function counter(name: string, labels: Record<string, string>, spans: ReadonlyArray<readonly [number, number]>): InputSeries {
  const values = [0];
  for (const [perMinute, minutes] of spans) for (let i = 0; i < minutes; i++) values.push(values[values.length - 1]! + perMinute);
  return { series: sel(name, labels), values: values.join(' ') };
}

/** Agents by state as one agent-manager replica reports the whole pool: `unhealthy` of 1000. */
const pool = (replica: Record<string, string>, unhealthy: number) => [
  constant(METRICS.agents.name, { ...replica, state: 'healthy' }, 1000 - unhealthy),
  constant(METRICS.agents.name, { ...replica, state: 'degraded' }, 0),
  constant(METRICS.agents.name, { ...replica, state: 'unhealthy' }, unhealthy),
];
/** Both agent-manager replicas report the same shared pool (the second one `lag` unhealthy agents behind). */
const agents = (unhealthy: number, lag = 0) => [...pool(AGENT_MANAGER, unhealthy), ...pool(AGENT_MANAGER_2, unhealthy - lag)];

/** Orchestrator API requests per minute: `errors` 5xx and `ok` 200, for `minutes`. */
const requests = (errors: number, ok: number, minutes: number) => [
  counter(METRICS.httpRequests.name, { ...ORCHESTRATOR, route: '/api/v1/workflows', method: 'GET', code: '500' }, [[errors, minutes]]),
  counter(METRICS.httpRequests.name, { ...ORCHESTRATOR, route: '/api/v1/workflows', method: 'GET', code: '200' }, [[ok, minutes]]),
];

/** Orchestrator latency histogram: cumulative requests per minute at each `le`. */
const latency = (cumulativePerMinute: Readonly<Record<string, number>>) =>
  Object.entries(cumulativePerMinute).map(([le, perMinute]) =>
    counter(`${METRICS.httpRequestDuration.name}_bucket`, { ...ORCHESTRATOR, route: '/api/v1/workflows', method: 'GET', le }, [[perMinute, 30]]),
  );

/** Agent task histogram: per-minute observations at le 1, 10, +Inf over spans of minutes. */
const tasks = (spans: ReadonlyArray<readonly [Readonly<Record<'1' | '10' | '+Inf', number>>, number]>) =>
  (['1', '10', '+Inf'] as const).map((le) =>
    counter(`${METRICS.taskDuration.name}_bucket`, { ...AGENT_WORKER, outcome: 'success', le }, spans.map(([perLe, minutes]) => [perLe[le], minutes] as const)),
  );

/** Flagger labels the status with the target Deployment's name (pkg/metrics/recorder.go SetStatus). */
const CANARY_STATUS_LABELS = { namespace: NS, name: COMPONENTS.orchestrator.name };
/** Flagger's status: `before` for 10 minutes, then `after` for an hour and a half. */
const canaryStatus = (before: number, after: number): InputSeries => ({ series: sel(METRICS.canaryStatus.name, CANARY_STATUS_LABELS), values: `${before}x10 ${after}x90` });
/** Flagger's weights (recorder.go SetWeight): the canary's as `workload="orchestrator"`, the primary's as `orchestrator-primary`. */
const weights = (canaryWeight: number) => [
  constant(METRICS.canaryWeight.name, { namespace: NS, workload: COMPONENTS.orchestrator.name }, canaryWeight),
  constant(METRICS.canaryWeight.name, { namespace: NS, workload: primaryNameOf(COMPONENTS.orchestrator.name) }, 100 - canaryWeight),
];

const replicas = (deployment: string, available: number, desired: number) => [
  constant(METRICS.deploymentReplicasAvailable.name, { namespace: NS, deployment }, available),
  constant(METRICS.deploymentReplicasDesired.name, { namespace: NS, deployment }, desired),
];

const api = { namespace: NS, component: COMPONENTS.orchestrator.name };
const FAST = [{ long_window: '1h', short_window: '5m' }, { long_window: '6h', short_window: '30m' }];
const SLOW = [{ long_window: '1d', short_window: '2h' }, { long_window: '3d', short_window: '6h' }];

export const ALERT_CASES: readonly AlertCase[] = [
  {
    name: 'phase pending 6 minutes fires',
    alert: 'phaseStuckPending',
    series: [{ series: sel(METRICS.oldestPendingPhase.name, { ...ORCHESTRATOR, phase: '3' }), values: '0+60x10' }],
    evalMinutes: 6,
    expect: [{ labels: { namespace: NS, phase: '3' }, value: '6m 0s' }],
  },
  {
    name: 'phase pending 4 minutes is silent',
    alert: 'phaseStuckPending',
    series: [{ series: sel(METRICS.oldestPendingPhase.name, { ...ORCHESTRATOR, phase: '3' }), values: '0+60x10' }],
    evalMinutes: 4,
    expect: [],
  },
  { name: '5.1% unhealthy agents fires', alert: 'agentPoolDegraded', series: agents(51), evalMinutes: 10, expect: [{ labels: { namespace: NS }, value: '5.1%' }] },
  { name: '4.9% unhealthy agents is silent', alert: 'agentPoolDegraded', series: agents(49), evalMinutes: 10, expect: [] },
  { name: '10.1% unhealthy agents pages', alert: 'agentPoolCritical', series: agents(101), evalMinutes: 10, expect: [{ labels: { namespace: NS }, value: '10.1%' }] },
  { name: '9.9% unhealthy agents does not page', alert: 'agentPoolCritical', series: agents(99), evalMinutes: 10, expect: [] },
  {
    // Replicas a scrape apart (51 and 40 unhealthy): the worst view of each state counts, as on
    // the dashboard: 51 / (960 + 0 + 51) = 5.045%. Summing replicas would give 91 / 2000 = 4.55%.
    name: 'agent-manager replicas disagreeing: the worst view fires',
    alert: 'agentPoolDegraded',
    series: agents(51, 11),
    evalMinutes: 10,
    expect: [{ labels: { namespace: NS }, value: '5.045%' }],
  },
  {
    name: 'queue growing 2 tasks a minute for 40 minutes fires',
    alert: 'taskQueueGrowing',
    series: [{ series: sel(METRICS.taskQueueDepth.name, ORCHESTRATOR), values: '0+2x60' }],
    evalMinutes: 40,
    expect: [{ labels: { namespace: NS }, value: '2' }],
  },
  {
    name: 'steady queue is silent',
    alert: 'taskQueueGrowing',
    series: [{ series: sel(METRICS.taskQueueDepth.name, ORCHESTRATOR), values: '100+0x60' }],
    evalMinutes: 40,
    expect: [],
  },
  {
    // 90 min of tasks under 1 s (p95 0.95 s), then all between 1 and 10 s: p95 = 1 + 9 × 0.95 = 9.55 s.
    name: 'task p95 rising from 0.95 s to 9.55 s fires',
    alert: 'taskLatencyIncreasing',
    series: tasks([[{ '1': 60, '10': 60, '+Inf': 60 }, 90], [{ '1': 0, '10': 60, '+Inf': 60 }, 30]]),
    evalMinutes: 110,
    expect: [{ labels: { namespace: NS }, value: '9.55s' }],
  },
  {
    name: 'steady task latency is silent',
    alert: 'taskLatencyIncreasing',
    series: tasks([[{ '1': 60, '10': 60, '+Inf': 60 }, 120]]),
    evalMinutes: 110,
    expect: [],
  },
  { name: '1.1% errors fires', alert: 'orchestratorErrorRate', series: requests(11, 989, 20), evalMinutes: 15, expect: [{ labels: api, value: '1.1%' }] },
  { name: '0.9% errors is silent', alert: 'orchestratorErrorRate', series: requests(9, 991, 20), evalMinutes: 15, expect: [] },
  {
    // 1% of requests between 0.21 s and +Inf, 1% in (0.2, 0.21]: the 99th percentile is 0.21 s.
    name: 'p99 210 ms fires',
    alert: 'orchestratorLatency',
    series: latency({ '0.15': 500, '0.19': 700, '0.2': 980, '0.21': 990, '+Inf': 1000 }),
    evalMinutes: 15,
    expect: [{ labels: api, value: '210ms' }],
  },
  {
    // 99% at or below 0.19 s: p99 = 0.15 + 0.04 × (990 − 500) / (990 − 500) = 0.19 s.
    name: 'p99 190 ms is silent',
    alert: 'orchestratorLatency',
    series: latency({ '0.15': 500, '0.19': 990, '0.2': 995, '0.21': 998, '+Inf': 1000 }),
    evalMinutes: 15,
    expect: [],
  },
  {
    // 1.5% errors: above 14.4 × 0.1% and 6 × 0.1%, in long and short windows alike.
    name: '1.5% errors burns the budget fast (both page windows)',
    alert: 'errorBudgetFastBurn',
    series: requests(15, 985, 70),
    evalMinutes: 65,
    expect: FAST.map((w) => ({ labels: { ...api, ...w }, value: '1.5%' })),
  },
  { name: '0.5% errors does not page (below 6 × 0.1%)', alert: 'errorBudgetFastBurn', series: requests(5, 995, 70), evalMinutes: 65, expect: [] },
  {
    name: '0.5% errors burns the budget slowly (both ticket windows)',
    alert: 'errorBudgetSlowBurn',
    series: requests(5, 995, 70),
    evalMinutes: 65,
    expect: SLOW.map((w) => ({ labels: { ...api, ...w }, value: '0.5%' })),
  },
  { name: '0.05% errors is within budget', alert: 'errorBudgetSlowBurn', series: requests(1, 1999, 70), evalMinutes: 65, expect: [] },
  // Status running (0) until minute 10, then failed (2): fires from the change for an hour.
  { name: 'canary turning failed fires', alert: 'canaryFailed', series: [canaryStatus(0, 2)], evalMinutes: 15, expect: [{ labels: CANARY_STATUS_LABELS, value: '2' }] },
  { name: 'canary failed over an hour ago is silent (no re-notification until the next release)', alert: 'canaryFailed', series: [canaryStatus(0, 2)], evalMinutes: 75, expect: [] },
  { name: 'canary failed since before the window (no transition) is silent', alert: 'canaryFailed', series: [canaryStatus(2, 2)], evalMinutes: 15, expect: [] },
  { name: 'successful canary is silent', alert: 'canaryFailed', series: [canaryStatus(0, 1)], evalMinutes: 15, expect: [] },
  // Production: (⌈50 / 10⌉ steps + promotion + 3 failed checks holding the weight) × 30 s + the primary's rollout 90 s
  // + 300 s rollback target = 660 s (11 minutes).
  { name: 'canary holding 20% of the traffic for 12 minutes pages', alert: 'canaryStuck', series: weights(20), evalMinutes: 12, expect: [{ labels: { namespace: NS }, value: '20' }] },
  { name: 'canary holding 20% of the traffic for 10 minutes is silent (analysis with failed checks may still run)', alert: 'canaryStuck', series: weights(20), evalMinutes: 10, expect: [] },
  { name: 'canary at 0% (primary serves all) is silent', alert: 'canaryStuck', series: weights(0), evalMinutes: 20, expect: [] },
  {
    name: '927 of 928 agents available for 20 minutes fires',
    alert: 'replicasUnavailable',
    series: replicas(COMPONENTS.agentWorker.name, 927, 928),
    evalMinutes: 20,
    // The worker replicas panel is on the Agent Pool dashboard.
    expect: [{ labels: { namespace: NS, deployment: COMPONENTS.agentWorker.name }, value: '927', dashboard: 'agents' }],
  },
  {
    name: '2 of 3 orchestrator-primary replicas available for 20 minutes fires, linking the orchestrator dashboard',
    alert: 'replicasUnavailable',
    series: replicas(primaryNameOf(COMPONENTS.orchestrator.name), 2, 3),
    evalMinutes: 20,
    expect: [{ labels: { namespace: NS, deployment: primaryNameOf(COMPONENTS.orchestrator.name) }, value: '2', dashboard: 'orchestrator' }],
  },
  { name: 'all 928 agents available is silent', alert: 'replicasUnavailable', series: replicas(COMPONENTS.agentWorker.name, 928, 928), evalMinutes: 20, expect: [] },
];
