/**
 * Synthetic series for every metric of the metrics contract (lib/metrics-contract.ts), with
 * the labels Prometheus stores them under, for tests that run our PromQL (dashboards, alert and
 * recording rules, canary metric templates) against a real Prometheus (see prometheus-server.ts).
 * If a query returns nothing over this data, it watches a series nobody exports.
 *
 * Driven by the contract, not by a hand-written list: for each METRICS entry it emits one series
 * per combination of the metric's label values — the allowed values where the contract fixes
 * them, {@link ContractSeriesOptions.anyLabelValues} where it leaves them open (`'any'`) — times
 * the scrape target labels of its source:
 *   - application metrics (orchestrator, agent-manager, agent-worker): `namespace`, `pod` and
 *     `component` (COMPONENT_LABEL), as our PodMonitors attach them, one series set per pod;
 *   - kube-state-metrics and Flagger: `namespace` only (plus their own labels: `deployment`,
 *     `name`, `workload`), as their exporters report about objects, not about themselves.
 * A metric added to the contract is covered automatically; one with an open label this module
 * has no values for fails loudly, naming the label.
 *
 *   const w = recentWindow(1800);
 *   const text = openMetrics(contractSeries({ start: w.start }), w);
 *   // a scenario: 2 % of orchestrator requests fail
 *   contractSeries({ start: w.start, value: (key, labels) =>
 *     key === 'httpRequests' ? (t) => (labels.code === '500' ? 0.02 : 0.98) * (t - w.start) : undefined });
 */
import { CANARY_STATUS, COMPONENT_LABEL, MetricDefinition, MetricKey, METRICS, MetricSource } from '../../lib/metrics-contract';
import { API_PATHS, COMPONENTS, namespaceFor, PRODUCTION_AGENT_POOL_SIZE } from '../../lib/runbook';
import { appLabelValues } from '../../lib/workloads/labels';
import { SyntheticSeries } from './openmetrics';

/** Values of a series over time (see SyntheticSeries.value); `null` means no sample at `t`. */
export type ValueFn = (t: number) => number | null;

/** Sources scraped through our PodMonitors, whose series carry `pod` and COMPONENT_LABEL. */
export type ApplicationSource = Exclude<MetricSource, 'kube-state-metrics' | 'flagger'>;

export interface ContractSeriesOptions {
  /** Namespace of every series. @default 'agentaskit-production' */
  readonly namespace?: string;
  /** Unix seconds at which counters and histogram counts are 0 (usually the window's start). @default 0 */
  readonly start?: number;
  /**
   * Pod names per application component, merged over {@link defaultPods}; each pod gets its own
   * series set.
   * @default two Deployment-style pods per component, e.g. `orchestrator-5d8f7c9b6-x2x4z`
   */
  readonly pods?: Readonly<Partial<Record<ApplicationSource, readonly string[]>>>;
  /**
   * Values for labels the contract leaves open (`'any'`), by label name; merged over
   * {@link DEFAULT_ANY_LABEL_VALUES}.
   */
  readonly anyLabelValues?: Readonly<Record<string, readonly string[]>>;
  /** Only these metrics. @default every METRICS entry */
  readonly only?: readonly MetricKey[];
  /**
   * Overrides the value of a series (scenarios: an error spike, a stuck phase, a pod that never
   * served a code: `() => null`). Return undefined to keep the default. For histograms the value
   * is the cumulative observation count.
   * @default counters and histogram counts grow by 1 per second per series (so every status
   *   code is served at the same rate); gauges as in {@link defaultGauge}
   */
  readonly value?: (metric: MetricKey, labels: Readonly<Record<string, string>>) => ValueFn | undefined;
  /**
   * Overrides a histogram's distribution: cumulative fraction of observations <= `le`.
   * @default uniform over the contract's buckets
   */
  readonly distribution?: (metric: MetricKey, labels: Readonly<Record<string, string>>) => ((le: number) => number) | undefined;
}

/**
 * Realistic values for the contract's open labels: the API's routes, two methods, a success and
 * a server-error code, every Deployment of the chart (Flagger's `-primary` included), the
 * runbook's canary and the two workloads Flagger weighs.
 */
export const DEFAULT_ANY_LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  route: Object.values(API_PATHS),
  method: ['GET', 'POST'],
  code: ['200', '500'],
  deployment: [...appLabelValues(COMPONENTS.orchestrator.name, { progressiveDelivery: true }), COMPONENTS.agentManager.name, COMPONENTS.agentWorker.name],
  // Flagger labels flagger_canary_status with the canary's target Deployment, not the Canary's name (recorder.go SetStatus).
  name: [COMPONENTS.orchestrator.name],
  workload: appLabelValues(COMPONENTS.orchestrator.name, { progressiveDelivery: true }),
  // kube-state-metrics' pod series (kube_pod_status_ready, kube_pod_created): the agent pods.
  pod: defaultPods('agent-worker'),
};

/** Two pods of a component's Deployment, named as Kubernetes names them (`<deployment>-<hash>-<id>`). */
export function defaultPods(component: ApplicationSource): string[] {
  return [`${component}-5d8f7c9b6-x2x4z`, `${component}-5d8f7c9b6-q7w9p`];
}

/**
 * A healthy system's gauges: the production agent pool all but a few healthy, the canary
 * promoted (primary at 100 % weight), Deployments at their desired 3 replicas; any other gauge 1.
 */
export function defaultGauge(metric: MetricKey, labels: Readonly<Record<string, string>>): number {
  switch (metric) {
    case 'agents':
      return { healthy: PRODUCTION_AGENT_POOL_SIZE - 3, degraded: 3, unhealthy: 0 }[labels.state!] ?? 0;
    case 'canaryStatus':
      return CANARY_STATUS.successful;
    case 'canaryWeight':
      return labels.workload?.endsWith('-primary') ? 100 : 0;
    case 'deploymentReplicasAvailable':
    case 'deploymentReplicasDesired':
      return 3;
    case 'podReady':
      return labels.condition === 'true' ? 1 : 0;
    case 'podCreated':
      return 0; // long ago: past any start budget
    default:
      return 1;
  }
}

/** Every combination of the label values, in a stable order. */
function combinations(values: ReadonlyArray<readonly [string, readonly string[]]>): Record<string, string>[] {
  return values.reduce<Record<string, string>[]>(
    (acc, [label, options]) => acc.flatMap((labels) => options.map((v) => ({ ...labels, [label]: v }))),
    [{}],
  );
}

/** Synthetic series for the contract's metrics; see the module comment. */
export function contractSeries(options: ContractSeriesOptions = {}): SyntheticSeries[] {
  const namespace = options.namespace ?? namespaceFor('production');
  const start = options.start ?? 0;
  const anyValues = { ...DEFAULT_ANY_LABEL_VALUES, ...options.anyLabelValues };
  const keys = options.only ?? (Object.keys(METRICS) as MetricKey[]);
  const series: SyntheticSeries[] = [];
  for (const key of keys) {
    const metric: MetricDefinition = METRICS[key];
    const own = Object.entries(metric.labels).map(([label, allowed]): [string, readonly string[]] => {
      if (allowed !== 'any') return [label, allowed];
      const values = anyValues[label];
      if (!values?.length) {
        throw new Error(`contractSeries: ${metric.name} has open label "${label}"; pass anyLabelValues.${label} (or add it to DEFAULT_ANY_LABEL_VALUES)`);
      }
      return [label, values];
    });
    const source = metric.source;
    const targets: Record<string, string>[] =
      source === 'kube-state-metrics' || source === 'flagger'
        ? [{ namespace }]
        : (options.pods?.[source] ?? defaultPods(source)).map((pod) => ({ namespace, pod, [COMPONENT_LABEL]: source }));
    for (const target of targets) {
      for (const own_ of combinations(own)) {
        const labels = { ...target, ...own_ };
        const gauge = metric.type === 'gauge' ? defaultGauge(key, labels) : undefined;
        const value = options.value?.(key, labels) ?? (gauge !== undefined ? () => gauge : (t: number) => Math.max(0, t - start));
        const base = { name: metric.name, type: metric.type, help: metric.help, labels, value };
        if (metric.type !== 'histogram') {
          series.push(base);
          continue;
        }
        const distribution = options.distribution?.(key, labels);
        series.push({ ...base, buckets: [...metric.buckets!], ...(distribution ? { distribution } : {}) });
      }
    }
  }
  return series;
}
