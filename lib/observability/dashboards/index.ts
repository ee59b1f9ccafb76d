/**
 * The runbook's dashboards, keyed like DASHBOARDS in lib/runbook.ts (which fixes their uids and
 * titles, the `/d/<uid>` links operators follow).
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardKey, DASHBOARDS } from '../../runbook';
import { agentsDashboard, AgentsDashboardOptions } from './agents';
import { orchestratorDashboard, OrchestratorDashboardOptions } from './orchestrator';
import { sevenPhaseDashboard, SevenPhaseDashboardOptions } from './seven-phase';

export { agentsDashboard, orchestratorDashboard, sevenPhaseDashboard };
export type { AgentsDashboardOptions, OrchestratorDashboardOptions, SevenPhaseDashboardOptions };

/** What every dashboard together needs: the environment's namespace, pool size and thresholds. */
export type DashboardOptions = OrchestratorDashboardOptions & AgentsDashboardOptions & SevenPhaseDashboardOptions;

/** Builder of each runbook dashboard. */
export const DASHBOARD_BUILDERS: { readonly [K in DashboardKey]: (options: DashboardOptions) => Dashboard } = {
  orchestrator: orchestratorDashboard,
  agents: agentsDashboard,
  phases: sevenPhaseDashboard,
};

/** Every runbook dashboard, in DASHBOARDS order. */
export function buildDashboards(options: DashboardOptions): Record<DashboardKey, Dashboard> {
  const keys = Object.keys(DASHBOARDS) as DashboardKey[];
  return Object.fromEntries(keys.map((key) => [key, DASHBOARD_BUILDERS[key](options)])) as Record<DashboardKey, Dashboard>;
}
