/**
 * What the rule generators need to know about an environment. A subset of the environment
 * config (stacks/config/types.ts), so lib/ never depends on stacks/.
 */
import { CanaryTiming } from '../../delivery/canary-timing';

export interface RulesConfig {
  /** Namespace the rules watch; every expression is scoped to it (one Prometheus may hold several environments). */
  readonly namespace: string;
  /** Grafana base URL, for `dashboard_url`. */
  readonly grafanaUrl: string;
  /** Published runbook WF-001, for `runbook_url`. */
  readonly runbookUrl: string;
  /** Orchestrator API availability objective, percent. */
  readonly sloAvailabilityPercent: number;
  /** Unhealthy agents that page, percent (above thresholds.unhealthyAgentsPercent). */
  readonly unhealthyAgentsCriticalPercent: number;
  /**
   * An agent pod may take this long from creation to Ready (config agentWorker.podStartSeconds);
   * one not Ready after it counts as unhealthy (from kube-state-metrics), one still starting does not.
   */
  readonly agentPodStartSeconds: number;
  /** The orchestrator canary's timing (its CanaryRelease's): bounds how long it may hold live traffic. */
  readonly canary: CanaryTiming;
  readonly thresholds: {
    readonly errorRatePercent: number;
    readonly latencyP99Milliseconds: number;
    readonly unhealthyAgentsPercent: number;
    readonly phasePendingSeconds: number;
  };
}

/** A Prometheus rule group, as in a rules file and in a PrometheusRule's `spec.groups`. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export type Rule = RecordingRule | AlertingRule;

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}
