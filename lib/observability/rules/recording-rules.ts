/**
 * Recording rules (`level:metric:operations`): the ratios and quantiles alerts and dashboards
 * read, computed once per evaluation instead of in every panel and alert.
 */
import { COMPONENTS } from '../../runbook';
import { errorRatio, errorRatioTerms } from '../../error-ratio';
import { COMPONENT_LABEL, METRICS } from '../../metrics-contract';
import { sloWindows } from '../slo';
import { Matchers, selector } from '../../promql';
import { RecordingRule, RuleGroup, RulesConfig } from './rules-config';

/**
 * The quantile of agent task duration that TaskLatencyIncreasing watches. The Agent Pool
 * dashboard draws the same quantile (beside p50 and p99), so the on-call sees the value that fired.
 */
export const TASK_LATENCY_QUANTILE = 0.95;

/** `p95` for 0.95: how a quantile appears in recorded names, descriptions and legends. */
export function quantileName(quantile: number): string {
  return `p${Math.round(quantile * 100)}`;
}

/**
 * The rate window of the orchestrator's error ratio and latency p99 that the runbook's rollback
 * thresholds apply to: the error-rate and latency alerts and the Orchestrator Health dashboard
 * read the series recorded over it.
 */
export const API_RATE_WINDOW = '5m';

/** Names of every recorded series, by what it measures. */
export const RECORDED = {
  /** Share of orchestrator API requests answered with 5xx, over `window`. */
  apiErrorRatio: (window: string) => `namespace_component:agentaskit_http_requests_errors:ratio_rate${window}`,
  apiLatencyP99: `namespace_component:agentaskit_http_request_duration_seconds:p99_rate${API_RATE_WINDOW}`,
  unhealthyAgentsRatio: 'namespace:agentaskit_agents_unhealthy:ratio',
  oldestPendingPhase: 'namespace_phase:agentaskit_workflow_oldest_pending_phase_seconds:max',
  taskQueueDepth: 'namespace:agentaskit_task_queue_depth:max',
  taskDurationQuantile: `namespace:agentaskit_task_duration_seconds:${quantileName(TASK_LATENCY_QUANTILE)}_rate15m`,
} as const;

/** Selector of a contract series in the rules' namespace (Prometheus attaches `namespace`). */
export function seriesIn(config: RulesConfig, name: string, matchers: Matchers = {}): string {
  return selector(name, { namespace: config.namespace, ...matchers });
}

const ORCHESTRATOR = { [COMPONENT_LABEL]: COMPONENTS.orchestrator.name };
const AGENT_MANAGER = { [COMPONENT_LABEL]: COMPONENTS.agentManager.name };

/** Agent pods as Kubernetes names a Deployment's pods: `agent-worker-<replicaset hash>-<id>`. */
export const AGENT_POD_PATTERN = `${COMPONENTS.agentWorker.name}-[0-9a-zA-Z]+-[0-9a-zA-Z]+`;

export function recordingRules(config: RulesConfig): RuleGroup[] {
  const agentManagerRatio =
    `max by (namespace) (${seriesIn(config, METRICS.agents.name, { ...AGENT_MANAGER, state: 'unhealthy' })}) / ` +
    `sum by (namespace) (max by (namespace, state) (${seriesIn(config, METRICS.agents.name, AGENT_MANAGER)}))`;
  const agentPods = (matchers: Matchers = {}) => seriesIn(config, METRICS.podReady.name, { pod: { regex: AGENT_POD_PATTERN }, ...matchers });
  const pastStart = `(time() - ${seriesIn(config, METRICS.podCreated.name, { pod: { regex: AGENT_POD_PATTERN } })}) > ${config.agentPodStartSeconds}`;
  const notReady = `count by (namespace) ((${agentPods({ condition: 'false' })} == 1) and on (namespace, pod) ${pastStart})`;
  const allAgents = `count by (namespace) (${agentPods({ condition: 'true' })})`;
  // `or … * 0`: 0 rather than no data while every agent is Ready.
  const notReadyRatio = `(${notReady} or ${allAgents} * 0) / ${allAgents}`;
  const requests = (window: string, matchers: Matchers = {}) =>
    `sum by (namespace, ${COMPONENT_LABEL}) (rate(${seriesIn(config, METRICS.httpRequests.name, { ...ORCHESTRATOR, ...matchers })}[${window}]))`;
  // 0 rather than no data while no request has failed yet (error-ratio.ts), so the dashboards
  // show 0 % and the SLO alerts can evaluate.
  const apiErrorRatio = (window: string): RecordingRule => ({
    record: RECORDED.apiErrorRatio(window),
    expr: errorRatio(errorRatioTerms((serverErrors) => requests(window, serverErrors))),
  });
  const bucketRate = (metric: string, by: string, window: string, matchers: Matchers = {}) =>
    `sum by (${by}, le) (rate(${seriesIn(config, `${metric}_bucket`, matchers)}[${window}]))`;
  return [
    {
      name: 'agentaskit-orchestrator-api.rules',
      rules: [
        ...sloWindows().map(apiErrorRatio),
        {
          record: RECORDED.apiLatencyP99,
          expr: `histogram_quantile(0.99, ${bucketRate(METRICS.httpRequestDuration.name, `namespace, ${COMPONENT_LABEL}`, API_RATE_WINDOW, ORCHESTRATOR)})`,
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
          // The worse of two views of the pool, so neither a blind agent-manager nor a kubelet
          // that still reports Ready hides unhealthy agents:
          // - the agent-manager's (agentaskit_agents): every replica reports the whole pool
          //   (shared state), so max across replicas counts each agent once, as the Agent Pool
          //   dashboard does; per state first, then summed (replicas a scrape apart disagree);
          // - the kubelets' (kube-state-metrics): agent pods whose Ready condition is False
          //   although they are older than the start budget (agentPodStartSeconds), over every
          //   agent pod that has a Ready condition. Pods still starting in a rollout do not count.
          record: RECORDED.unhealthyAgentsRatio,
          expr: `max by (namespace) (label_replace(${agentManagerRatio}, "source", "agent-manager", "", "") or label_replace(${notReadyRatio}, "source", "kube-state-metrics", "", ""))`,
        },
        {
          record: RECORDED.taskDurationQuantile,
          expr: `histogram_quantile(${TASK_LATENCY_QUANTILE}, ${bucketRate(METRICS.taskDuration.name, 'namespace', '15m')})`,
        },
      ],
    },
  ];
}
