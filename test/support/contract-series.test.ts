import { METRICS, seriesNames } from '../../lib/observability/metrics';
import { contractSeries } from './contract-series';
import { openMetrics } from './openmetrics';

const window = { start: 1_700_000_000, end: 1_700_000_060, stepSeconds: 15 };

describe('contractSeries()', () => {
  it('emits every series name of the contract', () => {
    const text = openMetrics(contractSeries({ start: window.start }), window);
    const emitted = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][\w:]*/.exec(l)![0]));
    expect([...seriesNames()].filter((n) => !emitted.has(n))).toEqual([]);
  });

  it('labels application series with namespace, pod and component, exporter series with namespace only', () => {
    const series = contractSeries({ namespace: 'agentaskit-dev', podsPerComponent: 3 });
    const agents = series.filter((s) => s.name === METRICS.agents.name);
    expect(agents).toHaveLength(3 * METRICS.agents.labels.state.length);
    expect(agents[0]!.labels).toEqual({ namespace: 'agentaskit-dev', pod: 'agent-manager-0', component: 'agent-manager', state: 'healthy' });
    expect(series.find((s) => s.name === METRICS.canaryStatus.name)!.labels).toEqual({ namespace: 'agentaskit-dev', name: 'agentaskit-canary' });
  });

  it('applies value overrides per series', () => {
    const series = contractSeries({ only: ['agents'], value: (_, labels) => (labels.state === 'unhealthy' ? () => 50 : undefined) });
    expect(series.map((s) => [s.labels!.state, s.value(0)])).toContainEqual(['unhealthy', 50]);
    expect(series.map((s) => [s.labels!.state, s.value(0)])).toContainEqual(['healthy', 1]);
  });

  it('fails when an open label has no values, naming the label', () => {
    expect(() => contractSeries({ only: ['canaryStatus'], anyLabelValues: { name: [] } })).toThrow(/flagger_canary_status has open label "name"; pass anyLabelValues.name/);
  });
});
