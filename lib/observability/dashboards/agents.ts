/**
 * "Agent Pool Status" (`/d/agents`): the runbook's "Agent Pool Degraded" signals — agents by
 * health state, the unhealthy share against its threshold, registered agents against the pool
 * size, the task queue, task latency and the agent Deployments' replicas.
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { replicasShownOn } from '../alerts';
import { METRICS } from '../../metrics-contract';
import { quantileName, RECORDED, TASK_LATENCY_QUANTILE } from '../rules/recording-rules';
import { COMPONENTS } from '../../runbook';
import { BaseDashboardOptions, buildDashboard, componentSelector, histogramQuantile, queueDepthPanel, replicasPanel, selector, timeseriesPanel } from './shared';

/** Options of {@link agentsDashboard}. */
export interface AgentsDashboardOptions extends BaseDashboardOptions {
  /** Agents always running (the worker pool's minimum); drawn on the registered-agents panel. */
  readonly agentPoolSize: number;
  readonly thresholds: {
    /** Unhealthy share of agents at which the pool counts as degraded, percent. */
    readonly unhealthyAgentsPercent: number;
  };
}

const AGENTS = componentSelector(METRICS.agents.name, COMPONENTS.agentManager.name);
// Every agent-manager replica reports the whole pool (the agents health endpoint's figures):
// max across pods counts each agent once; sum would count it once per replica.
const BY_STATE = `max by (state) (${AGENTS})`;
const TOTAL = `sum(${BY_STATE})`;

export function agentsDashboard(options: AgentsDashboardOptions): Dashboard {
  const taskBuckets = componentSelector(`${METRICS.taskDuration.name}_bucket`, COMPONENTS.agentWorker.name);
  const taskQuantile = (q: number) => ({ expr: histogramQuantile(q, taskBuckets), legend: quantileName(q) });
  return buildDashboard({
    key: 'agents',
    description: 'Runbook WF-001 "Agent Pool Degraded": agent health, pool size, queue depth, task latency and worker replicas.',
    namespace: options.namespace,
    namespaceMetric: METRICS.agents.name,
    panels: [
      timeseriesPanel({
        title: 'Agents by state',
        description: 'Registered agents by health state (the agents health endpoint\'s healthy / degraded / unhealthy).',
        queries: [{ expr: BY_STATE, legend: '{{state}}' }],
        stacked: true,
        width: 8,
      }),
      timeseriesPanel({
        title: 'Unhealthy agents',
        description:
          'Share of agents that are unhealthy, the recorded ratio the pool alerts fire on: the worse of the agent-manager\'s ' +
          'count and the agent pods not Ready past their start budget (kube-state-metrics). Above the red line the pool is ' +
          'degraded: list them with `/app/bin/list-agents --status=unhealthy` and restart their pods (runbook "Agent Pool Degraded").',
        queries: [{ expr: `100 * ${selector(RECORDED.unhealthyAgentsRatio)}`, legend: 'unhealthy %' }],
        unit: 'percent',
        threshold: options.thresholds.unhealthyAgentsPercent,
        width: 8,
      }),
      timeseriesPanel({
        title: 'Registered agents vs pool size',
        description: `Agents registered in any state. The line is the configured pool size (${options.agentPoolSize}); fewer agents than that means workers are missing.`,
        queries: [{ expr: TOTAL, legend: 'registered agents' }],
        threshold: options.agentPoolSize,
        bad: 'below',
        width: 8,
      }),
      queueDepthPanel(8),
      timeseriesPanel({
        title: 'Task latency',
        description:
          `Agent task execution time across all workers. TaskLatencyIncreasing fires when the ${quantileName(TASK_LATENCY_QUANTILE)} ` +
          '(the recorded series, over 15 minutes) grows; a rising tail with unhealthy agents is the runbook\'s "increased task latency".',
        // The median and the tail around the alert's own recorded quantile, so the on-call sees the value that fired.
        queries: [taskQuantile(0.5), { expr: selector(RECORDED.taskDurationQuantile), legend: `${quantileName(TASK_LATENCY_QUANTILE)} (15m, alert)` }, taskQuantile(0.99)],
        unit: 's',
        width: 8,
      }),
      replicasPanel('Agent replicas', replicasShownOn('agents'), 8),
    ],
  });
}
