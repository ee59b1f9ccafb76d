/**
 * Where an alert sends its reader: a section of runbook WF-001 (docs/runbooks/WF-001.md) and a
 * Grafana dashboard scoped to the alert's namespace. Section titles are defined once here; a
 * test checks that each is a heading of the runbook, so a renamed heading cannot break a link.
 */
import { DashboardKey, DASHBOARDS } from '../runbook';

/** Runbook headings alerts link to, exactly as written in docs/runbooks/WF-001.md. */
export const RUNBOOK_SECTIONS = {
  phaseStuck: 'Issue 1: Phase Stuck in Pending',
  agentPoolDegraded: 'Issue 2: Agent Pool Degraded',
  canaryFailure: 'Issue 3: Canary Failure',
  orchestratorErrors: 'Issue 4: Orchestrator Errors, Latency or SLO Burn',
  replicasUnavailable: 'Issue 5: Workload Below Desired Replicas',
  rollback: 'Rollback Procedure',
} as const;

export type RunbookSection = keyof typeof RUNBOOK_SECTIONS;

/**
 * GitHub's heading anchor: lower case, punctuation other than `-` and `_` removed, each space
 * a `-` (so "Issue 1: Phase Stuck" becomes `issue-1-phase-stuck`).
 */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** `<runbookUrl>#<anchor of the section>`. */
export function runbookUrl(base: string, section: RunbookSection): string {
  return `${base}#${githubAnchor(RUNBOOK_SECTIONS[section])}`;
}

/** `<grafanaUrl>/d/<uid>?var-namespace=<namespace>`: the dashboard, already showing the alert's environment. */
export function dashboardUrl(grafanaUrl: string, dashboard: DashboardKey, namespace: string): string {
  return `${grafanaUrl}/d/${DASHBOARDS[dashboard].uid}?var-namespace=${encodeURIComponent(namespace)}`;
}
