/**
 * "7-Phase Progress" (`/d/7phase`): are workflows moving through their seven phases? Phases by
 * state (the health endpoint's active / pending / completed), the oldest pending phase against
 * the runbook's "not progressing for >5 minutes", transitions per phase and the task queue.
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../../metrics-contract';
import { RECORDED } from '../rules/recording-rules';
import { COMPONENTS } from '../../runbook';
import { BaseDashboardOptions, buildDashboard, componentSelector, queueDepthPanel, rate, selector, timeseriesPanel } from './shared';

/** Options of {@link sevenPhaseDashboard}. */
export interface SevenPhaseDashboardOptions extends BaseDashboardOptions {
  readonly thresholds: {
    /** Age at which a pending phase counts as stuck, seconds. */
    readonly phasePendingSeconds: number;
  };
}

const ORCHESTRATOR = COMPONENTS.orchestrator.name;

export function sevenPhaseDashboard(options: SevenPhaseDashboardOptions): Dashboard {
  return buildDashboard({
    key: 'phases',
    description: 'Runbook WF-001 "Phase Stuck in Pending": phases by state, oldest pending phase, phase transitions and the task queue.',
    namespace: options.namespace,
    namespaceMetric: METRICS.workflowPhases.name,
    panels: [
      timeseriesPanel({
        title: 'Phases by state',
        description: 'Workflow phases by state (the workflows health endpoint\'s phases.active / pending / completed).',
        // Workflow state is shared by the orchestrator replicas: max, not sum, across pods.
        queries: [{ expr: `max by (state) (${componentSelector(METRICS.workflowPhases.name, ORCHESTRATOR)})`, legend: '{{state}}' }],
        width: 12,
      }),
      timeseriesPanel({
        title: 'Oldest pending phase',
        description:
          'Age of the oldest phase waiting in pending, by phase. Above the red line the phase is stuck: check blocked ' +
          'dependencies and `/app/bin/check-pending-tasks` (runbook "Phase Stuck in Pending").',
        // Recorded per phase as the max across the orchestrator replicas (they share the workflow state).
        queries: [{ expr: selector(RECORDED.oldestPendingPhase), legend: 'phase {{phase}}' }],
        unit: 's',
        threshold: options.thresholds.phasePendingSeconds,
        width: 12,
      }),
      timeseriesPanel({
        title: 'Phase transitions',
        description: 'Phase state transitions per second, by phase and the state entered. A phase with no transitions while others move is not progressing.',
        // Transitions are events counted by the replica that made them: sum across pods.
        queries: [{ expr: `sum by (phase, state) (${rate(componentSelector(METRICS.phaseTransitions.name, ORCHESTRATOR))})`, legend: 'phase {{phase}} → {{state}}' }],
        unit: 'ops',
        width: 12,
      }),
      queueDepthPanel(12),
    ],
  });
}
