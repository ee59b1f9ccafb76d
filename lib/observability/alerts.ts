/**
 * The alert catalogue: every alert WF-001 defines, named once, with the escalation priority
 * (lib/runbook ESCALATION), the runbook section and the dashboard it links to. The rule
 * generator, the Alertmanager routing tests and the runbook's "Alerts" table all read it.
 */
import { COMPONENTS, DashboardKey, Priority } from '../runbook';
import { appLabelValues } from '../workloads/labels';
import { RunbookSection } from './runbook-links';

export interface AlertInfo {
  /** `alertname`. */
  readonly name: string;
  readonly priority: Priority;
  readonly section: RunbookSection;
  readonly dashboard: DashboardKey;
  /** One line for the pager / Slack title (the `summary` annotation). */
  readonly summary: string;
}

export const ALERTS = {
  phaseStuckPending: {
    name: 'WorkflowPhaseStuckPending',
    priority: 'P2',
    section: 'phaseStuck',
    dashboard: 'phases',
    summary: 'A workflow phase has been pending too long',
  },
  agentPoolDegraded: {
    name: 'AgentPoolDegraded',
    priority: 'P2',
    section: 'agentPoolDegraded',
    dashboard: 'agents',
    summary: 'Too many agents are unhealthy',
  },
  agentPoolCritical: {
    name: 'AgentPoolCritical',
    priority: 'P1',
    section: 'agentPoolDegraded',
    dashboard: 'agents',
    summary: 'A large share of the agent pool is unhealthy',
  },
  taskQueueGrowing: {
    name: 'TaskQueueGrowing',
    priority: 'P2',
    section: 'agentPoolDegraded',
    dashboard: 'agents',
    summary: 'The task queue keeps growing',
  },
  taskLatencyIncreasing: {
    name: 'TaskLatencyIncreasing',
    priority: 'P3',
    section: 'agentPoolDegraded',
    dashboard: 'agents',
    summary: 'Agent task latency is rising',
  },
  orchestratorErrorRate: {
    name: 'OrchestratorHighErrorRate',
    priority: 'P2',
    section: 'orchestratorErrors',
    dashboard: 'orchestrator',
    summary: 'The orchestrator API error rate is above its threshold',
  },
  orchestratorLatency: {
    name: 'OrchestratorHighLatency',
    priority: 'P2',
    section: 'orchestratorErrors',
    dashboard: 'orchestrator',
    summary: 'The orchestrator API p99 latency is above its threshold',
  },
  errorBudgetFastBurn: {
    name: 'OrchestratorErrorBudgetFastBurn',
    priority: 'P1',
    section: 'orchestratorErrors',
    dashboard: 'orchestrator',
    summary: 'The orchestrator API is burning its availability error budget fast',
  },
  errorBudgetSlowBurn: {
    name: 'OrchestratorErrorBudgetSlowBurn',
    priority: 'P3',
    section: 'orchestratorErrors',
    dashboard: 'orchestrator',
    summary: 'The orchestrator API is steadily burning its availability error budget',
  },
  canaryFailed: {
    name: 'OrchestratorCanaryFailed',
    priority: 'P2',
    section: 'canaryFailure',
    dashboard: 'orchestrator',
    summary: 'The orchestrator canary failed and was rolled back',
  },
  canaryStuck: {
    name: 'OrchestratorCanaryStuck',
    priority: 'P1',
    section: 'rollback',
    dashboard: 'orchestrator',
    summary: 'The orchestrator canary has kept live traffic longer than any analysis and rollback take',
  },
  replicasUnavailable: {
    name: 'WorkloadReplicasUnavailable',
    priority: 'P2',
    section: 'replicasUnavailable',
    dashboard: 'orchestrator',
    summary: 'A workload has fewer available replicas than desired',
  },
} as const satisfies Record<string, AlertInfo>;

export type AlertKey = keyof typeof ALERTS;

/**
 * The Deployments WorkloadReplicasUnavailable watches, each with the dashboard whose replicas
 * panel shows it: the alert links there, and the dashboards draw their replicas panels from this
 * map, so a link can never point at a dashboard without the Deployment on it.
 */
export const REPLICAS_DASHBOARD: Readonly<Record<string, DashboardKey>> = Object.fromEntries([
  // Flagger's canary (`orchestrator`) and primary (`orchestrator-primary`) copies.
  ...appLabelValues(COMPONENTS.orchestrator.name, { progressiveDelivery: true }).map((d) => [d, 'orchestrator'] as const),
  [COMPONENTS.agentManager.name, 'agents'],
  [COMPONENTS.agentWorker.name, 'agents'],
]);

/** The watched Deployments whose replicas `dashboard` shows, in REPLICAS_DASHBOARD order. */
export function replicasShownOn(dashboard: DashboardKey): string[] {
  return Object.entries(REPLICAS_DASHBOARD).flatMap(([deployment, key]) => (key === dashboard ? [deployment] : []));
}
