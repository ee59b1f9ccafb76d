/**
 * Recording rules (`level:metric:operations`): the ratios and quantiles alerts and dashboards
 * read, computed once per evaluation instead of in every panel and alert.
 */
import { COMPONENTS } from '../../runbook';
import { COMPONENT_LABEL, METRICS } from '../metrics';
import { sloWindows } from '../slo';
import { Matchers, RecordingRule, RuleGroup, RulesConfig, selector } from './rules-config';

/** Names of every recorded series, by what it measures. */
export const RECORDED = {
  /** Share of orchestrator API requests answered with 5xx, over `window`. */
  apiErrorRatio: (window: string) => `namespace_component:agentaskit_http_requests_errors:ratio_rate${window}`,
  apiLatencyP99: 'namespace_component:agentaskit_http_request_duration_seconds:p99_rate5m',
  unhealthyAgentsRatio: 'namespace:agentaskit_agents_unhealthy:ratio',
  oldestPendingPhase: 'namespace_phase:agentaskit_workflow_oldest_pending_phase_seconds:max',
  taskQueueDepth: 'namespace:agentaskit_task_queue_depth:max',
  taskDurationP95: 'namespace:agentaskit_task_duration_seconds:p95_rate15m',
} as const;

/** Every recorded name, for the metric-name checks. */
export function recordedNames(): string[] {
  const fixed: string[] = Object.values(RECORDED).flatMap((v) => (typeof v === 'string' ? [v] : []));
  return [...sloWindows().map(RECORDED.apiErrorRatio), ...fixed];
}

/** Selector of a contract series in the rules' namespace (Prometheus attaches `namespace`). */
export function seriesIn(config: RulesConfig, name: string, matchers: Matchers = {}): string {
  return selector(name, { namespace: config.namespace, ...matchers });
}

const ORCHESTRATOR = { [COMPONENT_LABEL]: COMPONENTS.orchestrator.name };

export function recordingRules(config: RulesConfig): RuleGroup[] {
  const requests = (window: string, matchers: Matchers = {}) =>
    `sum by (namespace, ${COMPONENT_LABEL}) (rate(${seriesIn(config, METRICS.httpRequests.name, { ...ORCHESTRATOR, ...matchers })}[${window}]))`;
  const errorRatio = (window: string): RecordingRule => ({
    record: RECORDED.apiErrorRatio(window),
    // `or … * 0`: 0 rather than no data while no request has failed yet (a 5xx series only
    // exists after the first 5xx), so dashboards show 0% and the SLO alerts can evaluate.
    expr: `(${requests(window, { code: { regex: '5..' } })} or ${requests(window)} * 0) / ${requests(window)}`,
  });
  const bucketRate = (metric: string, by: string, window: string, matchers: Matchers = {}) =>
    `sum by (${by}, le) (rate(${seriesIn(config, `${metric}_bucket`, matchers)}[${window}]))`;
  return [
    {
      name: 'agentaskit-orchestrator-api.rules',
      rules: [
        ...sloWindows().map(errorRatio),
        {
          record: RECORDED.apiLatencyP99,
          expr: `histogram_quantile(0.99, ${bucketRate(METRICS.httpRequestDuration.name, `namespace, ${COMPONENT_LABEL}`, '5m', ORCHESTRATOR)})`,
        },
      ],
    },
    {
      name: 'agentaskit-workflow.rules',
      rules: [
        {
          // Every orchestrator replica reports the phases of the shared workflow state: max, not sum.
          record: RECORDED.oldestPendingPhase,
          expr: `max by (namespace, phase) (${seriesIn(config, METRICS.oldestPendingPhase.name)})`,
        },
        {
          // Same shared queue seen by every replica (and by a canary): max, not sum.
          record: RECORDED.taskQueueDepth,
          expr: `max by (namespace) (${seriesIn(config, METRICS.taskQueueDepth.name)})`,
        },
      ],
    },
    {
      name: 'agentaskit-agents.rules',
      rules: [
        {
          // A ratio, so it holds whether agent-manager replicas each count all agents or a share.
          record: RECORDED.unhealthyAgentsRatio,
          expr: `sum by (namespace) (${seriesIn(config, METRICS.agents.name, { state: 'unhealthy' })}) / sum by (namespace) (${seriesIn(config, METRICS.agents.name)})`,
        },
        {
          record: RECORDED.taskDurationP95,
          expr: `histogram_quantile(0.95, ${bucketRate(METRICS.taskDuration.name, 'namespace', '15m')})`,
        },
      ],
    },
  ];
}
