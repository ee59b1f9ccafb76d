/**
 * The alert catalogue: every alert WF-001 defines, named once, with the escalation priority
 * (lib/runbook ESCALATION), the runbook section and the dashboard it links to. The rule
 * generator, the Alertmanager routing tests and the runbook's "Alerts" table all read it.
 */
import { DashboardKey, Priority } from '../runbook';
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
  rollbackStalled: {
    name: 'OrchestratorRollbackStalled',
    priority: 'P1',
    section: 'rollback',
    dashboard: 'orchestrator',
    summary: 'A failed orchestrator canary still receives traffic',
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
