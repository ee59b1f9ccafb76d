import { METRICS } from '../../lib/metrics-contract';
import { seriesNames } from './promql';
import { PRODUCTION_AGENT_POOL_SIZE } from '../../lib/runbook';
import { contractSeries, defaultPods } from './contract-series';
import { openMetrics } from './openmetrics';

const window = { start: 1_700_000_000, end: 1_700_000_060, stepSeconds: 15 };

describe('contractSeries()', () => {
  it('emits every series name of the contract', () => {
    const text = openMetrics(contractSeries({ start: window.start }), window);
    const emitted = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][\w:]*/.exec(l)![0]));
    expect([...seriesNames()].filter((n) => !emitted.has(n))).toEqual([]);
  });

  it('labels application series with namespace, pod and component, exporter series with namespace only', () => {
    const series = contractSeries({ namespace: 'agentaskit-dev', pods: { 'agent-manager': ['am-0', 'am-1', 'am-2'] } });
    const agents = series.filter((s) => s.name === METRICS.agents.name);
    expect(agents).toHaveLength(3 * METRICS.agents.labels.state.length);
    expect(agents[0]!.labels).toEqual({ namespace: 'agentaskit-dev', pod: 'am-0', component: 'agent-manager', state: 'healthy' });
    expect(series.find((s) => s.name === METRICS.taskQueueDepth.name)!.labels).toEqual({ namespace: 'agentaskit-dev', pod: defaultPods('orchestrator')[0], component: 'orchestrator' });
    expect(series.find((s) => s.name === METRICS.canaryStatus.name)!.labels).toEqual({ namespace: 'agentaskit-dev', name: 'orchestrator' });
  });

  it('defaults to a healthy system: counters grow 1/s from start, the agent pool is healthy, the primary takes all traffic', () => {
    const series = contractSeries({ start: 100, only: ['httpRequests', 'agents', 'canaryWeight'], pods: { 'agent-manager': ['am-0'] } });
    const at = (name: string, label: string, t = 160) => series.filter((s) => s.name === name).map((s) => [s.labels![label], s.value(t)]);
    expect(new Set(at(METRICS.httpRequests.name, 'code').map(([, v]) => v))).toEqual(new Set([60]));
    expect(at(METRICS.agents.name, 'state').filter(([s]) => s === 'healthy' || s === 'degraded').reduce((sum, [, v]) => sum + Number(v), 0)).toBe(PRODUCTION_AGENT_POOL_SIZE);
    expect(at(METRICS.agents.name, 'state')).toContainEqual(['unhealthy', 0]);
    expect(at(METRICS.canaryWeight.name, 'workload')).toEqual([['orchestrator', 0], ['orchestrator-primary', 100]]);
  });

  it('applies value overrides per series', () => {
    const series = contractSeries({ only: ['agents'], value: (_, labels) => (labels.state === 'unhealthy' ? () => 50 : undefined) });
    expect(series.map((s) => [s.labels!.state, s.value(0)])).toContainEqual(['unhealthy', 50]);
    expect(series.map((s) => [s.labels!.state, s.value(0)])).toContainEqual(['healthy', PRODUCTION_AGENT_POOL_SIZE - 3]);
  });

  it('fails when an open label has no values, naming the label', () => {
    expect(() => contractSeries({ only: ['canaryStatus'], anyLabelValues: { name: [] } })).toThrow(/flagger_canary_status has open label "name"; pass anyLabelValues.name/);
  });
});
