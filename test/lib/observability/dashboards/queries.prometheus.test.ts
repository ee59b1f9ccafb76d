/**
 * Every query of every shipped dashboard, evaluated by a real Prometheus loaded with synthetic
 * series for the whole metrics contract (labelled as scraped in agentaskit-production) and with
 * production's recording rules (the panels that read recorded series): no query may fail and none
 * may come back empty — the check that no panel says "No data" against a system that exposes the
 * contract and runs the rules.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ruleFileYaml } from '../../../../lib/observability/rules';
import { loadEnvironment } from '../../../../stacks/environments';
import { synthesizeEnvironment } from '../../../../stacks/synth';
import { contractSeries } from '../../../support/contract-series';
import { openMetrics, recentWindow } from '../../../support/openmetrics';
import { instantVector, sharedPrometheus } from '../../../support/prometheus-server';
import { substituteGrafanaVariables } from '../../../support/promql';
import { panelQueries, shippedDashboards } from './dashboard-queries';

const production = loadEnvironment('production');
const synthesized = synthesizeEnvironment(production);
const queries = [...shippedDashboards(synthesized).values()].flatMap(panelQueries);
// 30 minutes at a 15 s scrape interval: plenty for 5m and 15m rates, quick to backfill.
const window = recentWindow(30 * 60, 15);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-dashboard-rules-'));
const ruleFile = path.join(dir, 'wf-001.yaml');
fs.writeFileSync(ruleFile, ruleFileYaml(synthesized.chart.alertRules.groups, 'test'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const prom = sharedPrometheus(() => ({
  openMetrics: openMetrics(contractSeries({ namespace: production.namespace, start: window.start }), window),
  ruleFiles: [ruleFile],
  evaluationInterval: '1s',
}));
// The rule manager evaluates at wall-clock time: recorded series exist from the first evaluation
// on, so queries run at the present, not at the end of the backfilled data.
beforeAll(() => prom().rulesEvaluated(), 30_000);
const now = () => Date.now() / 1000;

/**
 * Per query, at the end of the data with the dashboard's variables set to `namespace`: how many
 * series it returns and how many of them have a number to plot (NaN would draw nothing).
 */
async function resultSizes(namespace: string): Promise<Array<{ where: string; series: number; finite: number }>> {
  return Promise.all(
    queries.map(async (q) => {
      const values = instantVector(await prom().query(substituteGrafanaVariables(q.expr, { namespace }), now())).map((s) => s.value);
      return { where: `${q.dashboard} / ${q.panel} ${q.refId}: ${q.expr}`, series: values.length, finite: values.filter(Number.isFinite).length };
    }),
  );
}

describe('dashboard queries against a real Prometheus', () => {
  it('covers every panel of the three dashboards', () => {
    expect(new Set(queries.map((q) => q.dashboard))).toEqual(new Set(['orchestrator', 'agents', '7phase']));
    expect(queries.length).toBeGreaterThanOrEqual(15);
  });

  it('evaluates every query without error and with data', async () => {
    const noData = (await resultSizes(production.namespace)).filter((r) => r.series === 0 || r.finite < r.series).map((r) => `${r.where} (${r.finite}/${r.series} plottable)`);
    expect(noData).toEqual([]);
  });

  it('fails when the namespace has no series: every panel would say "No data"', async () => {
    const withData = (await resultSizes('agentaskit-nowhere')).filter((r) => r.series > 0).map((r) => r.where);
    expect(withData).toEqual([]);
  });

  it('computes the error rate panel: 5xx share of requests, in percent', async () => {
    // The generator serves every code at the same rate and the contract series carry codes 200 and 500.
    const errorRate = queries.find((q) => q.dashboard === 'orchestrator' && q.panel === 'Error rate')!;
    const [sample] = instantVector(await prom().query(substituteGrafanaVariables(errorRate.expr, { namespace: production.namespace }), now()));
    expect(sample!.value).toBeCloseTo(50, 6);
  });

  it('finds the namespace through the namespace variable\'s label_values() query', async () => {
    const variables = [...shippedDashboards().values()].map((d) => (d.templating!.list as Array<{ name: string; query: string }>).find((v) => v.name === 'namespace')!.query);
    for (const query of variables) {
      const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(query)!;
      expect(instantVector(await prom().query(`count by (${label}) (${metric})`)).map((s) => s.metric[label!])).toEqual([production.namespace]);
    }
  });
});
