/**
 * Synthetic series for every metric of the contract (lib/observability/metrics.ts), labelled the
 * way Prometheus stores them after our PodMonitors (namespace, component, pod) or the cluster's
 * kube-state-metrics and Flagger monitors (namespace). For real-Prometheus tests of rules and
 * dashboard queries: if a query returns nothing over this data, it watches a series nobody exports.
 */
import { COMPONENT_LABEL, MetricDefinition, MetricKey, METRICS } from '../../lib/observability/metrics';
import { CANARY_NAME, COMPONENTS } from '../../lib/runbook';
import { appLabelValues } from '../../lib/workloads/labels';
import type { SyntheticSeries } from '../support/openmetrics';

/** Example values of the labels the contract leaves open (`any`). */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  route: ['/api/v1/workflows', '/api/v1/health/workflows'],
  method: ['GET', 'POST'],
  code: ['200', '500'],
  deployment: [...appLabelValues(COMPONENTS.orchestrator.name, true), COMPONENTS.agentManager.name, COMPONENTS.agentWorker.name],
  name: [CANARY_NAME],
  workload: appLabelValues(COMPONENTS.orchestrator.name, true),
};

function labelSets(metric: MetricDefinition): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const [label, allowed] of Object.entries(metric.labels)) {
    const values = allowed === 'any' ? EXAMPLES[label] : allowed;
    if (!values) throw new Error(`${metric.name}: no example values for label "${label}"; add them to EXAMPLES`);
    sets = sets.flatMap((set) => values.map((v) => ({ ...set, [label]: v })));
  }
  return sets;
}

/** Labels Prometheus attaches: the PodMonitor's for our components, the namespace for cluster exporters. */
function targetLabels(metric: MetricDefinition, namespace: string): Record<string, string> {
  if (metric.source === 'kube-state-metrics' || metric.source === 'flagger') return { namespace };
  return { namespace, [COMPONENT_LABEL]: metric.source, pod: `${metric.source}-5d8f7c9b6-x2x4z` };
}

/**
 * Every contract metric in `namespace`, sampled from `start`: counters grow steadily (a small
 * share of 5xx), gauges hold plausible values, histograms spread over their buckets.
 */
export function contractSeries(namespace: string, start: number): SyntheticSeries[] {
  const series: SyntheticSeries[] = [];
  for (const [key, metric] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
    labelSets(metric).forEach((labels, i) => {
      const base = { name: metric.name, type: metric.type, help: metric.help, labels: { ...targetLabels(metric, namespace), ...labels } };
      const perSecond = labels.code === '500' ? 0.05 : 10 + i;
      if (metric.type === 'counter') series.push({ ...base, value: (t) => perSecond * (t - start) });
      else if (metric.type === 'histogram') series.push({ ...base, buckets: [...metric.buckets!], value: (t) => perSecond * (t - start) });
      else series.push({ ...base, value: gaugeValue(key, labels) });
    });
  }
  return series;
}

function gaugeValue(key: MetricKey, labels: Record<string, string>): (t: number) => number {
  switch (key) {
    case 'agents':
      return () => ({ healthy: 925, degraded: 3, unhealthy: 0 })[labels.state as 'healthy']!;
    case 'canaryStatus':
      return () => 1;
    case 'canaryWeight':
      return () => (labels.workload?.endsWith('-primary') ? 100 : 0);
    case 'deploymentReplicasAvailable':
    case 'deploymentReplicasDesired':
      return () => 3;
    default:
      return (t) => 5 + (Math.floor(t / 60) % 10);
  }
}
