import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards, DashboardOptions } from '../../../../lib/observability/dashboards';
import { dashboardJson } from '../../../../lib/observability/dashboard-config-maps';
import { REPLICAS_DASHBOARD } from '../../../../lib/observability/alerts';
import { CANARY_STATUS, MetricKey, METRICS } from '../../../../lib/metrics-contract';
import { RECORDED, TASK_LATENCY_QUANTILE } from '../../../../lib/observability/rules/recording-rules';
import { RecordingRule } from '../../../../lib/observability/rules/rules-config';
import { COMPONENTS, DashboardKey, DASHBOARDS } from '../../../../lib/runbook';
import { loadEnvironment } from '../../../../stacks/environments';
import { synthesizeEnvironment } from '../../../../stacks/synth';
import { parsePromql, seriesNames, substituteGrafanaVariables, unknownMetricNames } from '../../../support/promql';
import { panelQueries, shippedDashboards } from './dashboard-queries';

const production = loadEnvironment('production');
const synthesized = synthesizeEnvironment(production);
const shipped = shippedDashboards(synthesized);
/** The shipping environment's recording rules: what a dashboard may read besides the contract (recorded-series.test.ts checks them in detail). */
const recordingRules = synthesized.chart.alertRules.groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => 'record' in r);
/** The metrics a query reads, directly or through the recorded series it selects. */
const metricsRead = (expr: string): string[] => {
  const names = parsePromql(substituteGrafanaVariables(expr)).metricNames;
  return [...names, ...recordingRules.filter((r) => names.includes(r.record)).flatMap((r) => parsePromql(r.expr).metricNames)];
};
const KEYS = Object.keys(DASHBOARDS) as DashboardKey[];
const dashboardOf = (key: DashboardKey): Dashboard => shipped.get(DASHBOARDS[key].uid)!;

type AnyPanel = {
  title: string;
  type: string;
  id: number;
  targets: Array<{ refId: string; expr: string; datasource: unknown }>;
  datasource: unknown;
  fieldConfig: { defaults: { thresholds: { steps: Array<{ value: number | null; color: string }> }; mappings?: Array<{ options: Record<string, { text: string }> }> } };
};
const panels = (d: Dashboard) => (d.panels ?? []) as unknown as AnyPanel[];
const panel = (d: Dashboard, title: string) => {
  const p = panels(d).find((x) => x.title === title);
  if (!p) throw new Error(`${d.uid}: no panel "${title}" (has ${panels(d).map((x) => x.title).join(', ')})`);
  return p;
};
const thresholdValues = (p: AnyPanel) => p.fieldConfig.defaults.thresholds.steps.map((s) => s.value).filter((v) => v !== null);

/** The runbook's signals per dashboard, as the contract metrics that carry them. */
const SIGNALS: Record<DashboardKey, MetricKey[]> = {
  orchestrator: ['httpRequests', 'httpRequestDuration', 'deploymentReplicasAvailable', 'deploymentReplicasDesired', 'canaryWeight', 'canaryStatus'],
  agents: ['agents', 'taskQueueDepth', 'taskDuration', 'deploymentReplicasAvailable', 'deploymentReplicasDesired'],
  phases: ['workflowPhases', 'oldestPendingPhase', 'phaseTransitions', 'taskQueueDepth'],
};

describe('the shipped dashboards', () => {
  it('are the runbook dashboards, with their uids and titles', () => {
    expect([...shipped.keys()].sort()).toEqual(KEYS.map((k) => DASHBOARDS[k].uid).sort());
    for (const key of KEYS) {
      expect(dashboardOf(key)).toMatchObject({ uid: DASHBOARDS[key].uid, title: DASHBOARDS[key].title, tags: ['agentaskit', 'wf-001'] });
      expect(dashboardOf(key)).not.toHaveProperty('id');
    }
  });

  it.each(KEYS)('%s has a Prometheus datasource variable and a namespace variable starting on the environment', (key) => {
    const list = dashboardOf(key).templating!.list! as unknown as Array<Record<string, unknown>>;
    expect(list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const ns = list.find((v) => v.name === 'namespace')!;
    expect(ns).toMatchObject({ type: 'query', datasource: { type: 'prometheus', uid: '${datasource}' }, current: { value: production.namespace } });
    const metric = /^label_values\((\w+), namespace\)$/.exec(ns.query as string)?.[1];
    expect(seriesNames().has(metric!)).toBe(true);
  });

  it.each(KEYS)('%s: every query parses, uses only contract and recorded series, filters by $namespace and reads the $datasource', (key) => {
    const queries = panelQueries(dashboardOf(key));
    expect(queries.length).toBeGreaterThan(0);
    const problems = queries.flatMap((q) => {
      const expr = substituteGrafanaVariables(q.expr, { namespace: production.namespace });
      const where = `${q.panel} ${q.refId}: ${q.expr}`;
      const parsed = parsePromql(expr);
      return [
        ...parsed.errors.map((e) => `${where}: parse error ${e}`),
        ...unknownMetricNames(expr, recordingRules.map((r) => r.record)).map((n) => `${where}: "${n}" is neither in the metrics contract nor recorded`),
        ...(parsed.metricNames.length === 0 ? [`${where}: selects no metric`] : []),
        // Every selector starts with the namespace matcher (shared.ts selector()).
        ...parsed.metricNames.filter((n) => !q.expr.split(n).slice(1).every((rest) => rest.startsWith('{namespace="$namespace"'))).map((n) => `${where}: ${n} not filtered by namespace`),
      ];
    });
    expect(problems).toEqual([]);
    for (const p of panels(dashboardOf(key))) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it.each(KEYS)('%s has a panel for every runbook signal of its area', (key) => {
    const used = new Set(panelQueries(dashboardOf(key)).flatMap((q) => metricsRead(q.expr)));
    const missing = SIGNALS[key].filter((m) => {
      const metric = METRICS[m];
      return !used.has(metric.type === 'histogram' ? `${metric.name}_bucket` : metric.name);
    });
    expect(missing).toEqual([]);
  });

  it.each(KEYS)('%s numbers panels and queries by position', (key) => {
    const ps = panels(dashboardOf(key));
    expect(ps.map((p) => p.id)).toEqual(ps.map((_, i) => i + 1));
    for (const p of ps) expect(p.targets.map((t) => t.refId)).toEqual(p.targets.map((_, i) => String.fromCharCode(65 + i)));
  });

  it('draws the environment\'s thresholds on the panels the runbook states them for', () => {
    const t = production.thresholds;
    expect(thresholdValues(panel(dashboardOf('orchestrator'), 'Error rate'))).toEqual([t.errorRatePercent]);
    expect(thresholdValues(panel(dashboardOf('orchestrator'), 'Latency p99'))).toEqual([t.latencyP99Milliseconds]);
    expect(thresholdValues(panel(dashboardOf('agents'), 'Unhealthy agents'))).toEqual([t.unhealthyAgentsPercent]);
    expect(thresholdValues(panel(dashboardOf('agents'), 'Registered agents vs pool size'))).toEqual([production.agentWorker.poolSize]);
    expect(thresholdValues(panel(dashboardOf('phases'), 'Oldest pending phase'))).toEqual([t.phasePendingSeconds]);
  });

  it('shows the task latency quantile TaskLatencyIncreasing fires on (its recorded series), beside p50 and p99', () => {
    const p = panel(dashboardOf('agents'), 'Task latency');
    expect(TASK_LATENCY_QUANTILE).toBe(0.95);
    expect(p.targets.map((t) => /^histogram_quantile\(([\d.]+),/.exec(t.expr)?.[1] ?? t.expr)).toEqual(['0.5', `${RECORDED.taskDurationQuantile}{namespace="$namespace"}`, '0.99']);
  });

  it('reads the recorded series the alerts fire on where a recording rule computes the panel', () => {
    const expr = (key: DashboardKey, title: string) => panel(dashboardOf(key), title).targets[0]!.expr;
    expect(expr('orchestrator', 'Error rate')).toBe(`100 * ${RECORDED.apiErrorRatio('5m')}{namespace="$namespace", component="${COMPONENTS.orchestrator.name}"}`);
    expect(expr('orchestrator', 'Latency p99')).toBe(`1000 * ${RECORDED.apiLatencyP99}{namespace="$namespace", component="${COMPONENTS.orchestrator.name}"}`);
    expect(expr('agents', 'Unhealthy agents')).toBe(`100 * ${RECORDED.unhealthyAgentsRatio}{namespace="$namespace"}`);
    expect(expr('phases', 'Oldest pending phase')).toBe(`${RECORDED.oldestPendingPhase}{namespace="$namespace"}`);
    for (const key of ['agents', 'phases'] as const) expect(expr(key, 'Task queue depth')).toBe(`${RECORDED.taskQueueDepth}{namespace="$namespace"}`);
  });

  it('shows every Deployment WorkloadReplicasUnavailable watches on the dashboard its alert links to', () => {
    const replicaQueries = (key: DashboardKey) => panels(dashboardOf(key)).filter((p) => /replicas$/.test(p.title)).flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    expect(REPLICAS_DASHBOARD).toEqual({ orchestrator: 'orchestrator', 'orchestrator-primary': 'orchestrator', 'agent-manager': 'agents', 'agent-worker': 'agents' });
    for (const [deployment, key] of Object.entries(REPLICAS_DASHBOARD)) expect({ deployment, on: replicaQueries(key) }).toEqual({ deployment, on: expect.stringMatching(new RegExp(`deployment=~?"[^"]*\\b${deployment}\\b`)) });
  });

  it('reads the canary status by the label Flagger sets: the target Deployment, not the Canary name', () => {
    expect(panel(dashboardOf('orchestrator'), 'Canary status').targets[0]!.expr).toContain(`name="${COMPONENTS.orchestrator.name}"`);
  });

  it('shows the canary status as Flagger\'s words', () => {
    const p = panel(dashboardOf('orchestrator'), 'Canary status');
    expect(p.type).toBe('stat');
    const options = p.fieldConfig.defaults.mappings![0]!.options;
    expect(Object.fromEntries(Object.entries(options).map(([v, r]) => [v, r.text]))).toEqual({
      [CANARY_STATUS.running]: 'running',
      [CANARY_STATUS.successful]: 'successful',
      [CANARY_STATUS.failed]: 'failed',
    });
  });
});

describe('buildDashboards()', () => {
  const options: DashboardOptions = {
    namespace: 'agentaskit-staging',
    agentPoolSize: 50,
    thresholds: { errorRatePercent: 0.5, latencyP99Milliseconds: 150, unhealthyAgentsPercent: 2, phasePendingSeconds: 120 },
  };

  it('takes thresholds, pool size and namespace from its options, not from literals', () => {
    const d = buildDashboards(options);
    expect(thresholdValues(panel(d.orchestrator, 'Error rate'))).toEqual([0.5]);
    expect(thresholdValues(panel(d.orchestrator, 'Latency p99'))).toEqual([150]);
    expect(thresholdValues(panel(d.agents, 'Unhealthy agents'))).toEqual([2]);
    expect(thresholdValues(panel(d.agents, 'Registered agents vs pool size'))).toEqual([50]);
    expect(thresholdValues(panel(d.phases, 'Oldest pending phase'))).toEqual([120]);
    expect(JSON.stringify(d)).toContain('"value":"agentaskit-staging"');
  });

  it('is deterministic: the same options give byte-identical JSON', () => {
    const a = buildDashboards(options);
    const b = buildDashboards(options);
    for (const key of KEYS) expect(dashboardJson(b[key])).toBe(dashboardJson(a[key]));
  });

  it('fails the contract check when a query names a metric outside the contract', () => {
    const d = buildDashboards(options).orchestrator;
    (d.panels![0] as unknown as AnyPanel).targets[0]!.expr = 'sum(rate(agentaskit_http_requests{namespace="$namespace"}[$__rate_interval]))';
    const unknown = panelQueries(d).flatMap((q) => unknownMetricNames(substituteGrafanaVariables(q.expr), recordingRules.map((r) => r.record)));
    expect(unknown).toEqual(['agentaskit_http_requests']);
  });
});
