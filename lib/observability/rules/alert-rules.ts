/**
 * Alerting rules for every symptom runbook WF-001 names, as data first (what is measured,
 * against what) and rendered to Prometheus rules second. Keeping the measured expression apart
 * lets the real-Prometheus test prove that every alert watches series that exist, even while
 * the alert is (correctly) silent.
 */
import { CanaryTiming } from '../../delivery/canary-timing';
import { InvalidError, Problem } from '../../invalid';
import { COMPONENTS, DashboardKey, ESCALATION, THRESHOLDS } from '../../runbook';
import { AlertKey, ALERTS, REPLICAS_DASHBOARD } from '../alerts';
import { CANARY_STATUS, METRICS } from '../../metrics-contract';
import { dashboardUrl, runbookUrl } from '../runbook-links';
import { budgetSpentPercent, BURN_RATE_WINDOWS, errorBudgetRatio, SLO_PERIOD_DAYS } from '../slo';
import { API_RATE_WINDOW, quantileName, RECORDED, seriesIn, TASK_LATENCY_QUANTILE } from './recording-rules';
import { AlertingRule, RuleGroup, RulesConfig } from './rules-config';

/** One comparison of an alert: `<measured> <op> <threshold>`. */
export interface Condition {
  /** The measured value, an instant vector; its value is the alert's `$value` when it is first. */
  readonly measured: string;
  readonly op: '>' | '<' | '==';
  /** A number, or a vector expression the measured value is compared with. */
  readonly threshold: string;
}

export interface AlertDefinition {
  readonly key: AlertKey;
  /** Joined with `and` (with `on (…)` when `joinOn` is set): all must hold. */
  readonly conditions: readonly Condition[];
  readonly joinOn?: readonly string[];
  readonly for?: string;
  /** Templated; states the measured value and the threshold. */
  readonly description: string;
  /** Labels beyond severity and priority (e.g. the SLO window), distinguishing rules of one alert. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Link to the dashboard chosen by a label of the alert (e.g. the Deployment whose panel is on
   * another dashboard); values not listed link to the catalogue's dashboard.
   * @default - always the catalogue's dashboard
   */
  readonly dashboardBy?: { readonly label: string; readonly dashboards: Readonly<Record<string, DashboardKey>> };
}

/** A latency that has grown by this factor over the previous hour's is "increasing". */
export const TASK_LATENCY_INCREASE_FACTOR = 1.5;

/** Sustained growth: the queue's 15-minute trend stays positive for this long. */
const QUEUE_GROWTH_FOR = '15m';

/**
 * OrchestratorCanaryFailed fires for this long after the status turns failed: one notification
 * for the failure, resolved within the hour, instead of re-notifying until the next release
 * (Flagger keeps status 2 until then).
 */
export const CANARY_FAILED_WINDOW = '1h';

/**
 * How long the canary may keep live traffic before OrchestratorCanaryStuck pages: the longest a
 * healthy or failing run holds it (the analysis, then the primary's rollout at promotion:
 * longestCanaryTrafficSeconds), then the runbook's rollback target as the margin for a slow
 * rollback or promotion. Past it, the release or its rollback is stuck.
 */
export function canaryTrafficLimitSeconds(canary: CanaryTiming): number {
  return canary.longestCanaryTrafficSeconds + THRESHOLDS.rollbackSeconds;
}

export function alertDefinitions(config: RulesConfig): AlertDefinition[] {
  const t = config.thresholds;
  const budget = errorBudgetRatio(config.sloAvailabilityPercent);
  const s = (name: string, matchers = {}) => seriesIn(config, name, matchers);
  // The previous hour's quantile, ending where the measured 15 minutes begin.
  const previousHourTaskQuantile = `histogram_quantile(${TASK_LATENCY_QUANTILE}, sum by (namespace, le) (rate(${s(`${METRICS.taskDuration.name}_bucket`)}[1h] offset 15m)))`;
  const canaryStatus = s(METRICS.canaryStatus.name, { name: COMPONENTS.orchestrator.name });
  const trafficLimit = canaryTrafficLimitSeconds(config.canary);
  const watched = Object.keys(REPLICAS_DASHBOARD).join('|');
  const burn = BURN_RATE_WINDOWS.map(
    (w): AlertDefinition => ({
      key: w.speed === 'fast' ? 'errorBudgetFastBurn' : 'errorBudgetSlowBurn',
      conditions: [w.long, w.short].map((window) => ({
        measured: s(RECORDED.apiErrorRatio(window)),
        op: '>',
        threshold: `(${w.burnRate} * ${budget})`,
      })),
      labels: { long_window: w.long, short_window: w.short },
      description:
        `{{ $value | humanizePercentage }} of orchestrator API requests in {{ $labels.namespace }} failed over the last ${w.long} ` +
        `(and still over ${w.short}): ${w.burnRate}× the rate the ${config.sloAvailabilityPercent}% availability SLO allows. ` +
        `At this rate ${budgetSpentPercent(w)}% of the ${SLO_PERIOD_DAYS}-day error budget is spent every ${w.long}.`,
    }),
  );
  return [
    {
      key: 'phaseStuckPending',
      // The gauge is already a duration, so no `for`: it fires as soon as the age passes the threshold.
      conditions: [{ measured: s(RECORDED.oldestPendingPhase), op: '>', threshold: String(t.phasePendingSeconds) }],
      description: `Phase {{ $labels.phase }} in {{ $labels.namespace }} has had work pending for {{ $value | humanizeDuration }} (threshold ${t.phasePendingSeconds}s).`,
    },
    {
      key: 'agentPoolDegraded',
      conditions: [{ measured: s(RECORDED.unhealthyAgentsRatio), op: '>', threshold: String(t.unhealthyAgentsPercent / 100) }],
      for: '5m',
      description: `{{ $value | humanizePercentage }} of the agents in {{ $labels.namespace }} are unhealthy (threshold ${t.unhealthyAgentsPercent}%).`,
    },
    {
      key: 'agentPoolCritical',
      conditions: [{ measured: s(RECORDED.unhealthyAgentsRatio), op: '>', threshold: String(config.unhealthyAgentsCriticalPercent / 100) }],
      for: '5m',
      description: `{{ $value | humanizePercentage }} of the agents in {{ $labels.namespace }} are unhealthy (paging threshold ${config.unhealthyAgentsCriticalPercent}%).`,
    },
    {
      key: 'taskQueueGrowing',
      conditions: [{ measured: `max by (namespace) (deriv(${s(METRICS.taskQueueDepth.name)}[15m])) * 60`, op: '>', threshold: '0' }],
      for: QUEUE_GROWTH_FOR,
      description: `The task queue in {{ $labels.namespace }} is growing by {{ $value | humanize }} tasks a minute and has been for ${QUEUE_GROWTH_FOR}.`,
    },
    {
      key: 'taskLatencyIncreasing',
      conditions: [{ measured: s(RECORDED.taskDurationQuantile), op: '>', threshold: `${TASK_LATENCY_INCREASE_FACTOR} * ${previousHourTaskQuantile}` }],
      for: '15m',
      description: `Agent task ${quantileName(TASK_LATENCY_QUANTILE)} duration in {{ $labels.namespace }} is {{ $value | humanizeDuration }}, more than ${TASK_LATENCY_INCREASE_FACTOR}× that of the previous hour.`,
    },
    {
      key: 'orchestratorErrorRate',
      conditions: [{ measured: s(RECORDED.apiErrorRatio(API_RATE_WINDOW)), op: '>', threshold: String(t.errorRatePercent / 100) }],
      for: '5m',
      description: `{{ $value | humanizePercentage }} of orchestrator API requests in {{ $labels.namespace }} failed with 5xx over 5 minutes (threshold ${t.errorRatePercent}%).`,
    },
    {
      key: 'orchestratorLatency',
      conditions: [{ measured: s(RECORDED.apiLatencyP99), op: '>', threshold: String(t.latencyP99Milliseconds / 1000) }],
      for: '5m',
      description: `Orchestrator API p99 latency in {{ $labels.namespace }} is {{ $value | humanizeDuration }} (threshold ${t.latencyP99Milliseconds}ms).`,
    },
    ...burn,
    {
      key: 'canaryFailed',
      // Flagger labels the status with the canary's target Deployment (`name="orchestrator"`), not the Canary object's name.
      // Fires on the transition to failed: the status is failed now and changed within the window.
      conditions: [
        { measured: `max by (namespace, name) (${canaryStatus})`, op: '==', threshold: String(CANARY_STATUS.failed) },
        { measured: `max by (namespace, name) (changes(${canaryStatus}[${CANARY_FAILED_WINDOW}]))`, op: '>', threshold: '0' },
      ],
      joinOn: ['namespace', 'name'],
      description: `Flagger canary {{ $labels.name }} in {{ $labels.namespace }} failed its analysis (status {{ $value }}) and rolled the orchestrator back to the primary (alert resolves ${CANARY_FAILED_WINDOW} after the failure).`,
    },
    {
      key: 'canaryStuck',
      // Flagger's rollback sets the canary weight to 0 before it marks the canary failed, so
      // "failed and weight > 0" never holds; live traffic on the canary for longer than any
      // run holds it plus the rollback target is what a stuck release or rollback looks like.
      conditions: [{ measured: `max by (namespace) (${s(METRICS.canaryWeight.name, { workload: COMPONENTS.orchestrator.name })})`, op: '>', threshold: '0' }],
      for: `${trafficLimit}s`,
      description:
        (config.canary.provider === 'nginx'
          ? `The orchestrator canary in {{ $labels.namespace }} has received {{ $value }}% of the live traffic for more than ${trafficLimit}s `
          : // kubernetes (blue/green): Flagger's Noop router reports weight 100 for the whole analysis
            // (pkg/router/nop.go:35-40) although only the load test reaches the canary.
            `The orchestrator canary in {{ $labels.namespace }} has been under blue/green analysis (Flagger reports weight {{ $value }}; ` +
            `live traffic stays on the primary until promotion) for more than ${trafficLimit}s `) +
        `(longest run ${config.canary.longestCanaryTrafficSeconds}s: analysis ${config.canary.longestAnalysisSeconds}s and the primary's rollout; ` +
        `+ rollback target ${THRESHOLDS.rollbackSeconds}s): the release or its rollback is stuck.`,
    },
    {
      key: 'replicasUnavailable',
      conditions: [
        {
          measured: s(METRICS.deploymentReplicasAvailable.name, { deployment: { regex: watched } }),
          op: '<',
          threshold: s(METRICS.deploymentReplicasDesired.name, { deployment: { regex: watched } }),
        },
      ],
      for: '15m',
      dashboardBy: { label: 'deployment', dashboards: REPLICAS_DASHBOARD },
      description: `Deployment {{ $labels.deployment }} in {{ $labels.namespace }} has had only {{ $value }} available replicas, fewer than desired, for 15 minutes.`,
    },
  ];
}

/**
 * `dashboard_url`: the catalogue's dashboard, or an Alertmanager/Prometheus template choosing
 * the dashboard by a label (`{{ if eq $labels.deployment "agent-worker" }}…{{ else }}…{{ end }}`).
 */
function dashboardLink(config: RulesConfig, fallback: DashboardKey, by: AlertDefinition['dashboardBy']): string {
  const url = (key: DashboardKey) => dashboardUrl(config.grafanaUrl, key, config.namespace);
  const branches = Object.entries(by?.dashboards ?? {}).filter(([, key]) => key !== fallback);
  if (!by || branches.length === 0) return url(fallback);
  const ifs = branches.map(([value, key], i) => `{{ ${i === 0 ? 'if' : 'else if'} eq $labels.${by.label} ${JSON.stringify(value)} }}${url(key)}`);
  return `${ifs.join('')}{{ else }}${url(fallback)}{{ end }}`;
}

/** The PromQL of an alert: its conditions joined by `and`. */
export function alertExpression(alert: AlertDefinition): string {
  const join = alert.joinOn ? ` and on (${alert.joinOn.join(', ')}) ` : ' and ';
  return alert.conditions.map((c) => `${c.measured} ${c.op} ${c.threshold}`).join(join);
}

export function alertingRules(config: RulesConfig): RuleGroup[] {
  const rules = alertDefinitions(config).map((alert): AlertingRule => {
    const info = ALERTS[alert.key];
    return {
      alert: info.name,
      expr: alertExpression(alert),
      ...(alert.for ? { for: alert.for } : {}),
      labels: { severity: ESCALATION[info.priority].severity, priority: info.priority, ...alert.labels },
      annotations: {
        summary: info.summary,
        description: alert.description,
        runbook_url: runbookUrl(config.runbookUrl, info.section),
        dashboard_url: dashboardLink(config, info.dashboard, alert.dashboardBy),
      },
    };
  });
  return [{ name: 'agentaskit-wf-001.alerts', rules }];
}

/**
 * Why the paging level of unhealthy agents is not above the degraded level, or undefined when it
 * is: at or below it, the P1 alert would fire with (or before) the P2 one it escalates. Shared by
 * config validation (stacks/config/cross-field.ts) and validateRulesConfig, like metricWindowProblem.
 */
export function criticalAgentsLevelProblem(criticalPercent: number, degradedPercent: number): string | undefined {
  if (criticalPercent > degradedPercent) return undefined;
  return `use more than thresholds.unhealthyAgentsPercent (${degradedPercent}): it is the level beyond the degraded alert that pages`;
}

/** Rejects settings that would make alerts contradict each other or never fire, with the fix. */
export function validateRulesConfig(config: RulesConfig): void {
  const problems: Problem[] = [];
  if (!(config.sloAvailabilityPercent > 0 && config.sloAvailabilityPercent < 100)) {
    problems.push({ path: 'sloAvailabilityPercent', value: config.sloAvailabilityPercent, fix: 'use a percentage below 100, e.g. 99.9' });
  }
  const critical = criticalAgentsLevelProblem(config.unhealthyAgentsCriticalPercent, config.thresholds.unhealthyAgentsPercent);
  if (critical) problems.push({ path: 'unhealthyAgentsCriticalPercent', value: config.unhealthyAgentsCriticalPercent, fix: critical });
  for (const [name, value] of Object.entries(config.thresholds)) {
    if (!(value > 0)) problems.push({ path: `thresholds.${name}`, value, fix: 'use a number above 0' });
  }
  if (problems.length > 0) throw new InvalidError(`Invalid WF-001 alert rules config for ${config.namespace}`, problems);
}
