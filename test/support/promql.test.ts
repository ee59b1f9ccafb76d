import { parsePromql, substituteGrafanaVariables, unknownMetricNames } from './promql';

describe('parsePromql', () => {
  test('collects metric names from selectors and __name__ matchers', () => {
    const parsed = parsePromql('sum by (le) (rate(agentaskit_http_request_duration_seconds_bucket{route="/x"}[5m])) / {__name__="agentaskit_task_queue_depth"}');
    expect(parsed.errors).toEqual([]);
    expect(parsed.metricNames).toEqual(['agentaskit_http_request_duration_seconds_bucket', 'agentaskit_task_queue_depth']);
  });

  test('reports syntax errors', () => {
    expect(parsePromql('sum(rate(foo[5m])').errors.length).toBeGreaterThan(0);
  });
});

describe('unknownMetricNames', () => {
  test('accepts contract series and declared recording rules, flags everything else', () => {
    const expr = 'job:agentaskit_errors:ratio_rate5m > 0 and agentaskit_agents{state="unhealthy"} > on() agentaskit_agent_count';
    expect(unknownMetricNames(expr, ['job:agentaskit_errors:ratio_rate5m'])).toEqual(['agentaskit_agent_count']);
  });
});

describe('substituteGrafanaVariables', () => {
  test('replaces interval macros and named variables', () => {
    expect(substituteGrafanaVariables('rate(x{namespace="$namespace",pod=~"${pod:regex}"}[$__rate_interval])', { namespace: 'agentaskit-dev', pod: '.*' }))
      .toBe('rate(x{namespace="agentaskit-dev",pod=~".*"}[5m])');
  });
});
