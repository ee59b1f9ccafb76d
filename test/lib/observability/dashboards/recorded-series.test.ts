/**
 * The dashboards read recorded series where a recording rule computes what a panel shows (the
 * value the alert on it fires on). A recorded name the rules do not record, or a label matcher
 * on a label the recorded series does not carry, would be a panel that says "No data" in every
 * namespace; so each environment's rules (the dashboards serve every namespace through
 * `$namespace`) must record every non-contract series a dashboard selects, with its labels.
 */
import { RecordingRule, RuleGroup } from '../../../../lib/observability/rules/rules-config';
import { ENVIRONMENTS } from '../../../../stacks/config';
import { loadEnvironment } from '../../../../stacks/environments';
import { synthesizeEnvironment } from '../../../../stacks/synth';
import { groupingLabels, seriesNames, substituteGrafanaVariables, vectorSelectors } from '../../../support/promql';
import { PanelQuery, panelQueries, shippedDashboards } from './dashboard-queries';

const queries = [...shippedDashboards().values()].flatMap(panelQueries);
const contract = seriesNames();

/** Why the queries' recorded series are not what `groups` record (empty when they are). */
function recordedSeriesProblems(panelQueriesToCheck: readonly PanelQuery[], groups: readonly RuleGroup[]): string[] {
  const recorded = new Map<string, RecordingRule[]>();
  for (const rule of groups.flatMap((g) => g.rules)) {
    if ('record' in rule) recorded.set(rule.record, [...(recorded.get(rule.record) ?? []), rule]);
  }
  return panelQueriesToCheck.flatMap((q) =>
    vectorSelectors(substituteGrafanaVariables(q.expr))
      .filter((s) => !contract.has(s.name))
      .flatMap((s) => {
        const where = `${q.dashboard} / ${q.panel} ${q.refId}: ${s.name}`;
        const rules = recorded.get(s.name);
        if (!rules) return [`${where} is not recorded by any rule`];
        return rules.flatMap((rule) => {
          const carried = groupingLabels(rule.expr);
          if (!carried) return [`${where}: its rule does not say which labels it keeps (${rule.expr})`];
          return s.labels.filter((l) => !carried.has(l)).map((l) => `${where} matches on "${l}", which the recorded series does not carry (only ${[...carried].join(', ')})`);
        });
      }),
  );
}

describe('dashboard queries on recorded series', () => {
  it('read recorded series at all (the orchestrator\'s error rate among them)', () => {
    const recordedUses = queries.flatMap((q) => vectorSelectors(substituteGrafanaVariables(q.expr)).filter((s) => !contract.has(s.name)).map((s) => s.name));
    expect(recordedUses.length).toBeGreaterThanOrEqual(6);
    expect(recordedUses).toContain('namespace_component:agentaskit_http_requests_errors:ratio_rate5m');
  });

  it.each(ENVIRONMENTS)('name only series the %s recording rules record, with labels they carry', (environment) => {
    const groups = synthesizeEnvironment(loadEnvironment(environment)).chart.alertRules.groups;
    expect(recordedSeriesProblems(queries, groups)).toEqual([]);
  });

  it('fails for a name no rule records and for a label the recorded series does not carry (the check can fail)', () => {
    const groups = synthesizeEnvironment(loadEnvironment('production')).chart.alertRules.groups;
    const tampered: PanelQuery[] = [
      { dashboard: 'x', panel: 'unrecorded', refId: 'A', expr: 'namespace:agentaskit_nothing:ratio{namespace="$namespace"}' },
      { dashboard: 'x', panel: 'label', refId: 'A', expr: 'namespace:agentaskit_task_queue_depth:max{namespace="$namespace", component="orchestrator"}' },
    ];
    expect(recordedSeriesProblems(tampered, groups)).toEqual([
      'x / unrecorded A: namespace:agentaskit_nothing:ratio is not recorded by any rule',
      'x / label A: namespace:agentaskit_task_queue_depth:max matches on "component", which the recorded series does not carry (only namespace)',
    ]);
  });

  it('reads the labels a rule keeps from its outermost aggregations', () => {
    expect(groupingLabels('(sum by (namespace, component) (a) or sum by (namespace, component) (b) * 0) / sum by (namespace, component) (b)')).toEqual(new Set(['namespace', 'component']));
    expect(groupingLabels('histogram_quantile(0.99, sum by (namespace, le) (rate(a_bucket[5m])))')).toEqual(new Set(['namespace']));
    expect(groupingLabels('max by (namespace) (label_replace(sum by (namespace, state) (a), "source", "x", "", ""))')).toEqual(new Set(['namespace']));
    expect(groupingLabels('rate(a[5m])')).toBeUndefined();
  });
});
