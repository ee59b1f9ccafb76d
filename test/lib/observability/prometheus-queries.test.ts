/**
 * A real Prometheus, loaded with synthetic series for every contract metric and with
 * production's rule file, evaluates every recording rule and the measured side of every alert:
 * no query errors, no rule errors, and no empty results. An empty result would mean an alert
 * watching (or a rule recording) a series nobody exports. Whether an alert fires depends on the
 * values (promtool.test.ts tests that), so their measured values, not their firing, must exist.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { METRICS } from '../../../lib/metrics-contract';
import { ruleFileYaml } from '../../../lib/observability/rules';
import { alertDefinitions } from '../../../lib/observability/rules/alert-rules';
import { RecordingRule } from '../../../lib/observability/rules/rules-config';
import { loadEnvironment } from '../../../stacks/environments';
import { synthesizeEnvironment } from '../../../stacks/synth';
import { rulesConfigFor } from '../../support/rules-config';
import { openMetrics, recentWindow } from '../../support/openmetrics';
import { sharedPrometheus } from '../../support/prometheus-server';
import { contractSeries } from '../../support/contract-series';
import { parsePromql } from '../../support/promql';

const env = synthesizeEnvironment(loadEnvironment('production'));
const groups = env.chart.alertRules.groups;
const recording = groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => 'record' in r);
const alerts = alertDefinitions(rulesConfigFor(env.config));

// 2 h: covers the longest lookback an alert needs over raw data (1 h offset 15 m).
const window = recentWindow(2 * 3600, 30);
const series = contractSeries({ namespace: env.config.namespace, start: window.start });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-rules-'));
const ruleFile = path.join(dir, 'wf-001.yaml');
fs.writeFileSync(ruleFile, ruleFileYaml(groups, 'test'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const prom = sharedPrometheus(() => ({ openMetrics: openMetrics(series, window), ruleFiles: [ruleFile], evaluationInterval: '1s' }));

const now = () => Date.now() / 1000;

// The rule manager evaluates at wall-clock time; wait until every rule has run once.
beforeAll(() => prom().rulesEvaluated(), 30_000);

async function nonEmpty(expr: string, time = now()): Promise<number> {
  const { result } = await prom().query(expr, time);
  return result.length;
}

it('the synthetic data covers every contract metric', () => {
  const names = new Set(series.map((s) => s.name));
  for (const metric of Object.values(METRICS)) expect(names).toContain(metric.name);
});

it('every rule loads and evaluates without error', async () => {
  const { groups: loaded } = await prom().rules();
  const rules = loaded.flatMap((g) => g.rules);
  expect(rules).toHaveLength(groups.flatMap((g) => g.rules).length);
  for (const rule of rules) expect({ name: rule.name, health: rule.health, lastError: rule.lastError ?? '' }).toEqual({ name: rule.name, health: 'ok', lastError: '' });
});

describe('recording rules', () => {
  it.each(recording.map((r) => [r.record, r.expr]))('%s has data, computed and recorded', async (record, expr) => {
    expect(await nonEmpty(expr)).toBeGreaterThan(0);
    expect(await nonEmpty(record)).toBeGreaterThan(0);
  });
});

describe('alerts: the measured value exists', () => {
  // Thresholds that are vectors (not numbers or scalar arithmetic) must have data too.
  const sides = alerts.flatMap((a) =>
    a.conditions.flatMap((c) => [[a.key, c.measured], ...(parsePromql(c.threshold).metricNames.length > 0 ? [[`${a.key} threshold`, c.threshold]] : [])]),
  );
  it.each(sides)('%s: %s', async (_, expr) => {
    expect(await nonEmpty(expr!)).toBeGreaterThan(0);
  });

  it('fails for a series nobody exports (the check can fail)', async () => {
    expect(await nonEmpty(`${METRICS.agents.name}{namespace="agentaskit-elsewhere"}`)).toBe(0);
  });
});
