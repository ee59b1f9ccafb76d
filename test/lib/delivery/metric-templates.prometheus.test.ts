/**
 * The synthesized MetricTemplates, with Flagger's variables substituted as Flagger does, run on a
 * real Prometheus (test/support/prometheus-server.ts) loaded with contract series
 * (test/support/contract-series.ts) labelled as Prometheus labels scraped pods (`namespace`,
 * `pod`, `component`), with each pod's rates and latency set by a scenario. Each namespace is one
 * scenario; expected values are computed from the synthetic rates, not typed in.
 */
import { MIN_SCRAPES_PER_WINDOW } from '../../../lib/delivery/metric-templates';
import { parseFlaggerDuration } from '../../../lib/delivery/rollback-budget';
import { LATENCY_BUCKETS_SECONDS, SCRAPE_INTERVAL_SECONDS } from '../../../lib/metrics-contract';
import { API_PATHS, CANARY_NAME } from '../../../lib/runbook';
import { loadEnvironment } from '../../../stacks/environments';
import { ManifestObject, synthesizeEnvironment } from '../../../stacks/synth';
import { contractSeries, ValueFn } from '../../support/contract-series';
import { renderQuery } from '../../support/flagger-template';
import { openMetrics, recentWindow, SyntheticSeries } from '../../support/openmetrics';
import { instantVector, sharedPrometheus } from '../../support/prometheus-server';

/** Cumulative share of requests at or under each latency bucket bound (1 above the last listed). */
type Latency = Readonly<Record<number, number>>;
const FAST: Latency = { 0.005: 0.1, 0.01: 0.2, 0.025: 0.4, 0.05: 0.6, 0.1: 0.9, 0.15: 0.95, 0.19: 0.98, 0.2: 0.995 };
const SLOW: Latency = { 0.1: 0.5, 0.2: 0.9, 0.21: 0.95, 0.25: 0.97, 0.3: 0.985, 0.5: 0.995 };
const VERY_SLOW: Latency = { 1: 0.5, 2.5: 0.999 };

interface Pod {
  readonly name: string;
  /** Requests per second by status code; 0 for a pod that serves nothing during the data. */
  readonly rates: Readonly<Record<string, number>>;
  readonly latency: Latency;
  /**
   * The pod's `agentaskit_workflow_health` (a value, or a value over time); null: the pod exports none.
   * @default - the contract series' default for a healthy system (1)
   */
  readonly health?: 0 | 1 | null | ValueFn;
}

type Verdict = 'pass' | 'fail' | 'no-values';

interface Scenario {
  readonly namespace: string;
  readonly pods: readonly Pod[];
  /** What the gates must conclude: pass, fail, or no value (a failed check)... */
  readonly verdict: Verdict;
  /** ...except these gates, by MetricTemplate name. @default - none */
  readonly verdicts?: Readonly<Record<string, Verdict>>;
}

const CANARY_A = 'orchestrator-7d9f8b6c5-x2x9k';
const CANARY_B = 'orchestrator-7d9f8b6c5-q8w2z';
const PRIMARY = 'orchestrator-primary-5c6b7d8f9-abcde';

const SCENARIOS: readonly Scenario[] = [
  {
    // A healthy canary next to a primary that is failing badly: the primary must not count.
    namespace: 'agentaskit-production',
    pods: [
      { name: CANARY_A, rates: { '200': 9.9, '500': 0.1 }, latency: FAST },
      { name: CANARY_B, rates: { '200': 10 }, latency: FAST },
      { name: PRIMARY, rates: { '200': 5, '503': 5 }, latency: VERY_SLOW, health: 0 },
    ],
    verdict: 'pass',
  },
  // No 5xx series exists at all: that is 0 %, not "no value".
  { namespace: 'agentaskit-staging', pods: [{ name: CANARY_A, rates: { '200': 4, '404': 1 }, latency: FAST }], verdict: 'pass' },
  // A bad release: 3 % errors, a 400 ms p99 and an unhealthy workflow controller.
  { namespace: 'agentaskit-dev', pods: [{ name: CANARY_A, rates: { '200': 9.7, '503': 0.3 }, latency: SLOW, health: 0 }], verdict: 'fail' },
  // Canary pods exist but get no traffic: no value, so Flagger counts a failed check; they are healthy.
  {
    namespace: 'agentaskit-idle',
    pods: [{ name: CANARY_A, rates: { '200': 0, '500': 0 }, latency: FAST }],
    verdict: 'no-values',
    verdicts: { 'orchestrator-health': 'pass' },
  },
  // One canary pod of two reports its workflow controller unhealthy: the health gate fails alone.
  {
    namespace: 'agentaskit-one-unhealthy',
    pods: [{ name: CANARY_A, rates: { '200': 10 }, latency: FAST }, { name: CANARY_B, rates: { '200': 10 }, latency: FAST, health: 0 }],
    verdict: 'pass',
    verdicts: { 'orchestrator-health': 'fail' },
  },
  // The canary's controller was unhealthy while starting and healthy for the last minute of the
  // window: the gate reads the latest sample, so it passes now instead of failing checks until
  // the start leaves the window.
  {
    namespace: 'agentaskit-recovered',
    pods: [{ name: CANARY_A, rates: { '200': 10 }, latency: FAST, health: (t) => (t >= window.end - 60 ? 1 : 0) }],
    verdict: 'pass',
  },
  // The canary serves well but exports no health gauge (a build without it): no value, a failed check.
  {
    namespace: 'agentaskit-no-health',
    pods: [{ name: CANARY_A, rates: { '200': 10 }, latency: FAST, health: null }],
    verdict: 'pass',
    verdicts: { 'orchestrator-health': 'no-values' },
  },
];

// Samples as the PodMonitors scrape them.
const window = recentWindow(30 * 60, SCRAPE_INTERVAL_SECONDS);

/** The scenario's orchestrator pods on one API route: each pod serves only the codes it lists. */
function seriesOf(scenario: Scenario): SyntheticSeries[] {
  const pods = new Map(scenario.pods.map((p) => [p.name, p]));
  // An idle pod's counters stay at their last value (100) for the whole data range.
  const counter = (rate: number): ValueFn => (t) => (rate === 0 ? 100 : rate * (t - window.start));
  return contractSeries({
    namespace: scenario.namespace,
    start: window.start,
    only: ['httpRequests', 'httpRequestDuration', 'workflowHealth'],
    pods: { orchestrator: [...pods.keys()] },
    anyLabelValues: { route: [API_PATHS.workflowsHealth], method: ['GET'], code: [...new Set(scenario.pods.flatMap((p) => Object.keys(p.rates)))] },
    value: (metric, labels) => {
      const pod = pods.get(labels.pod!)!;
      if (metric === 'workflowHealth') {
        const health = pod.health;
        return health === undefined ? undefined : typeof health === 'function' ? health : () => health;
      }
      if (metric === 'httpRequestDuration') return counter(Object.values(pod.rates).reduce((a, b) => a + b, 0));
      const rate = pod.rates[labels.code!];
      return rate === undefined ? () => null : counter(rate); // no series for a code this pod never served
    },
    distribution: (_, labels) => (le) => cumulativeShare(pods.get(labels.pod!)!.latency, le),
  });
}
function cumulativeShare(latency: Latency, le: number): number {
  const bounds = Object.keys(latency).map(Number).sort((a, b) => a - b);
  const at = bounds.filter((b) => b <= le).pop();
  if (le > bounds[bounds.length - 1]!) return 1;
  return at === undefined ? 0 : latency[at]!;
}

/** The canary pods of a scenario, as the templates must select them. */
const canaryPods = (s: Scenario) => s.pods.filter((p) => p.name !== PRIMARY);

function expectedErrorPercent(s: Scenario): number {
  const pods = canaryPods(s);
  const sum = (codes: (code: string) => boolean) => pods.flatMap((p) => Object.entries(p.rates).filter(([c]) => codes(c)).map(([, r]) => r)).reduce((a, b) => a + b, 0);
  return (100 * sum((c) => c.startsWith('5'))) / sum(() => true);
}

/** The least healthy canary pod that exports the gauge (the contract series' default is healthy, 1). */
function expectedHealth(s: Scenario): number {
  const latest = (p: Pod) => (typeof p.health === 'function' ? p.health(window.end)! : p.health ?? 1);
  return Math.min(...canaryPods(s).filter((p) => p.health !== null).map(latest));
}

/** histogram_quantile as Prometheus computes it: linear inside the bucket holding the rank. */
function expectedP99Milliseconds(s: Scenario): number {
  const pods = canaryPods(s);
  const weight = pods.map((p) => Object.values(p.rates).reduce((a, b) => a + b, 0));
  const total = weight.reduce((a, b) => a + b, 0);
  const cumulative = (le: number) => pods.reduce((acc, p, i) => acc + weight[i]! * cumulativeShare(p.latency, le), 0) / total;
  const rank = 0.99;
  let lower = 0;
  let below = 0;
  for (const le of LATENCY_BUCKETS_SECONDS) {
    const share = cumulative(le);
    if (share >= rank) return 1000 * (lower + ((le - lower) * (rank - below)) / (share - below));
    lower = le;
    below = share;
  }
  throw new Error('p99 above the last finite bucket');
}

const prom = sharedPrometheus(() => ({ openMetrics: openMetrics(SCENARIOS.flatMap(seriesOf), window) }));

// The queries as deployed: the synthesized production MetricTemplates and the Canary's metric window.
const production = synthesizeEnvironment(loadEnvironment('production')).objects;
/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are plain JSON */
const canary = production.find((o) => o.kind === 'Canary' && o.metadata.name === CANARY_NAME) as any;
const gates: { name: string; query: string; range: { min?: number; max?: number }; interval: string }[] = canary.spec.analysis.metrics.map((m: any) => {
  const template = production.find((o: ManifestObject) => o.kind === 'MetricTemplate' && o.metadata.name === m.templateRef.name) as any;
  return { name: m.templateRef.name, query: template.spec.query, range: m.thresholdRange, interval: m.interval };
});
/* eslint-enable @typescript-eslint/no-explicit-any */
const expected: Record<string, (s: Scenario) => number> = {
  'orchestrator-error-rate': expectedErrorPercent,
  'orchestrator-latency-p99': expectedP99Milliseconds,
  'orchestrator-health': expectedHealth,
};

it('every synthesized gate has its expected value here', () => {
  expect(gates.map((g) => g.name).sort()).toEqual(Object.keys(expected).sort());
});

describe.each(gates)('MetricTemplate $name on a real Prometheus', (gate) => {
  it('has a query window that holds at least 4 scrapes', () => {
    expect(parseFlaggerDuration(gate.interval)).toBeGreaterThanOrEqual(MIN_SCRAPES_PER_WINDOW * window.stepSeconds);
  });

  const cases = SCENARIOS.map((scenario) => ({ scenario, namespace: scenario.namespace, verdict: scenario.verdicts?.[gate.name] ?? scenario.verdict }));
  it.each(cases)('$namespace: evaluates without error and concludes $verdict', async ({ scenario, verdict }) => {
    const query = renderQuery(gate.query, { namespace: scenario.namespace, target: canary.spec.targetRef.name, interval: gate.interval });
    const result = instantVector(await prom().query(query)); // Flagger reads an instant vector
    if (verdict === 'no-values') {
      expect(result).toEqual([]);
      return;
    }
    // Flagger takes the value of the (only) sample and accepts it inside thresholdRange.
    expect(result).toHaveLength(1);
    const value = result[0]!.value;
    expect(value).toBeCloseTo(expected[gate.name]!(scenario), 6);
    const accepted = (gate.range.min === undefined || value >= gate.range.min) && (gate.range.max === undefined || value <= gate.range.max);
    expect({ value, accepted }).toEqual({ value, accepted: verdict === 'pass' });
  });
});
