/**
 * The facts of runbook WF-001 ("7-Phase Workflow Orchestration") that the package must honour.
 *
 * Every name, label, threshold and URL an operator types or reads in the runbook is defined here
 * once; constructs, alert rules, dashboards, the canary and the Pulumi program import them.
 * Changing a value here changes the runbook's contract: update docs/runbooks/WF-001.md with it.
 */

/** The runbook this package implements. */
export const RUNBOOK_ID = 'WF-001';

/** Every namespace is `agentaskit-<environment>` (the runbook operates `agentaskit-production`). */
export const NAMESPACE_PREFIX = 'agentaskit';

/** The product name, used for `app.kubernetes.io/part-of`. */
export const PART_OF = 'agentaskit';

/**
 * This package: the `app.kubernetes.io/managed-by` value of every object it creates, and the
 * Pulumi project name (Pulumi.yaml `name`; config keys are `agentaskit-deploy:<key>`).
 */
export const PROJECT_NAME = 'agentaskit-deploy';

/** Label key the runbook selects pods by (`kubectl get pods -l app=orchestrator`). */
export const APP_LABEL = 'app';

/** The three workloads and the names the runbook addresses them by (`deployment/<name>`, `-l app=<name>`). */
export const COMPONENTS = {
  orchestrator: {
    name: 'orchestrator',
    description: '7-phase workflow controller: owns workflow state and phase transitions',
  },
  agentManager: {
    name: 'agent-manager',
    description: 'tracks agent health, restarts unhealthy agents and scales the worker pool',
  },
  agentWorker: {
    name: 'agent-worker',
    description: 'the agent pool that executes workflow tasks',
  },
} as const;

export type ComponentKey = keyof typeof COMPONENTS;

/** The Flagger canary the runbook inspects (`kubectl get canary agentaskit-canary`). */
export const CANARY_NAME = 'agentaskit-canary';

/** Number of phases in a workflow. */
export const PHASE_COUNT = 7;

/** Agents in the production pool ("928-agent orchestration"). */
export const PRODUCTION_AGENT_POOL_SIZE = 928;

/** Binaries the runbook runs inside the containers (`kubectl exec ... -- /app/bin/...`). */
export const APP_BIN_DIR = '/app/bin';

/** Public API paths the runbook calls (`curl https://<api host>/api/v1/...`). */
export const API_PATHS = {
  workflowsHealth: '/api/v1/health/workflows',
  workflows: '/api/v1/workflows',
  agents: '/api/v1/agents',
} as const;

/**
 * Thresholds the runbook states. Alerts page on them and the canary rolls back on them.
 * Units are in the names so no reader has to guess.
 */
export const THRESHOLDS = {
  /** "Error rate >1%" triggers rollback; also the orchestrator error-rate alert. */
  errorRatePercent: 1,
  /** "Latency p99 >200ms" triggers rollback; also the orchestrator latency alert. */
  latencyP99Milliseconds: 200,
  /** "Agent Pool Degraded: >5% agents unhealthy". */
  unhealthyAgentsPercent: 5,
  /** "Phase not progressing for >5 minutes". */
  phasePendingSeconds: 5 * 60,
  /** "Rollback completes in <5 minutes". */
  rollbackSeconds: 5 * 60,
} as const;

export type Priority = 'P1' | 'P2' | 'P3';

/** The Slack channel for P2 alerts and canary notifications. */
export const SLACK_CHANNEL = '#orchestration-alerts';

/** Name of the objects that deliver to {@link SLACK_CHANNEL} (Alertmanager receiver, Flagger AlertProvider). */
export const SLACK_RECEIVER_NAME = `slack-${SLACK_CHANNEL.slice(1)}`;

/** The escalation table: who is told, and how fast they must respond. */
export const ESCALATION: Readonly<Record<Priority, { readonly severity: string; readonly contact: string; readonly responseMinutes: number }>> = {
  P1: { severity: 'critical', contact: '@orchestration-oncall', responseMinutes: 15 },
  P2: { severity: 'high', contact: SLACK_CHANNEL, responseMinutes: 30 },
  P3: { severity: 'medium', contact: 'issue', responseMinutes: 4 * 60 },
};


/** Grafana dashboards the runbook links (`https://<grafana>/d/<uid>`). */
export const DASHBOARDS = {
  orchestrator: { uid: 'orchestrator', title: 'Orchestrator Health' },
  agents: { uid: 'agents', title: 'Agent Pool Status' },
  phases: { uid: '7phase', title: '7-Phase Progress' },
} as const;

export type DashboardKey = keyof typeof DASHBOARDS;

/** The namespace of an environment: `agentaskit-<environment>`. */
export function namespaceFor(environment: string): string {
  return `${NAMESPACE_PREFIX}-${environment}`;
}
