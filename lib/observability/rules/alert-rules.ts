/**
 * Alerting rules for every symptom runbook WF-001 names, as data first (what is measured,
 * against what) and rendered to Prometheus rules second. Keeping the measured expression apart
 * lets the real-Prometheus test prove that every alert watches series that exist, even while
 * the alert is (correctly) silent.
 */
import { COMPONENTS, CANARY_NAME, ESCALATION, THRESHOLDS } from '../../runbook';
import { appLabelValues } from '../../workloads/labels';
import { AlertKey, ALERTS } from '../alerts';
import { CANARY_STATUS, METRICS } from '../metrics';
import { dashboardUrl, runbookUrl } from '../runbook-links';
import { budgetSpentPercent, BURN_RATE_WINDOWS, errorBudgetRatio, SLO_PERIOD_DAYS } from '../slo';
import { RECORDED, seriesIn } from './recording-rules';
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
}

/** A latency that has grown by this factor over the previous hour's is "increasing". */
export const TASK_LATENCY_INCREASE_FACTOR = 1.5;

/** Sustained growth: the queue's 15-minute trend stays positive for this long. */
const QUEUE_GROWTH_FOR = '15m';


/** The workloads whose availability is watched, including Flagger's primary copy of the orchestrator. */
function watchedDeployments(): string[] {
  return [...appLabelValues(COMPONENTS.orchestrator.name, true), COMPONENTS.agentManager.name, COMPONENTS.agentWorker.name];
}

export function alertDefinitions(config: RulesConfig): AlertDefinition[] {
  const t = config.thresholds;
  const budget = errorBudgetRatio(config.sloAvailabilityPercent);
  const s = (name: string, matchers = {}) => seriesIn(config, name, matchers);
  // The previous hour's p95, ending where the measured 15 minutes begin.
  const previousHourTaskP95 = `histogram_quantile(0.95, sum by (namespace, le) (rate(${s(`${METRICS.taskDuration.name}_bucket`)}[1h] offset 15m)))`;
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
      conditions: [{ measured: s(RECORDED.taskDurationP95), op: '>', threshold: `${TASK_LATENCY_INCREASE_FACTOR} * ${previousHourTaskP95}` }],
      for: '15m',
      description: `Agent task p95 duration in {{ $labels.namespace }} is {{ $value | humanizeDuration }}, more than ${TASK_LATENCY_INCREASE_FACTOR}× that of the previous hour.`,
    },
    {
      key: 'orchestratorErrorRate',
      conditions: [{ measured: s(RECORDED.apiErrorRatio('5m')), op: '>', threshold: String(t.errorRatePercent / 100) }],
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
      conditions: [{ measured: `max by (namespace, name) (${s(METRICS.canaryStatus.name, { name: CANARY_NAME })})`, op: '==', threshold: String(CANARY_STATUS.failed) }],
      description: `Flagger canary {{ $labels.name }} in {{ $labels.namespace }} failed its analysis (status {{ $value }}) and rolled the orchestrator back to the primary.`,
    },
    {
      key: 'rollbackStalled',
      conditions: [
        { measured: `max by (namespace) (${s(METRICS.canaryWeight.name, { workload: COMPONENTS.orchestrator.name })})`, op: '>', threshold: '0' },
        { measured: `max by (namespace) (${s(METRICS.canaryStatus.name, { name: CANARY_NAME })})`, op: '==', threshold: String(CANARY_STATUS.failed) },
      ],
      joinOn: ['namespace'],
      // The runbook's rollback target: past it, traffic still reaching the failed canary needs a human.
      for: `${THRESHOLDS.rollbackSeconds}s`,
      description: `Canary ${CANARY_NAME} in {{ $labels.namespace }} failed, yet the canary still gets {{ $value }}% of the traffic after ${THRESHOLDS.rollbackSeconds}s: the rollback has not completed.`,
    },
    {
      key: 'replicasUnavailable',
      conditions: [
        {
          measured: s(METRICS.deploymentReplicasAvailable.name, { deployment: { regex: watchedDeployments().join('|') } }),
          op: '<',
          threshold: s(METRICS.deploymentReplicasDesired.name, { deployment: { regex: watchedDeployments().join('|') } }),
        },
      ],
      for: '15m',
      description: `Deployment {{ $labels.deployment }} in {{ $labels.namespace }} has had only {{ $value }} available replicas, fewer than desired, for 15 minutes.`,
    },
  ];
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
        dashboard_url: dashboardUrl(config.grafanaUrl, info.dashboard, config.namespace),
      },
    };
  });
  return [{ name: 'agentaskit-wf-001.alerts', rules }];
}

/** Rejects settings that would make alerts contradict each other or never fire, with the fix. */
export function validateRulesConfig(config: RulesConfig): void {
  const problems: string[] = [];
  if (!(config.sloAvailabilityPercent > 0 && config.sloAvailabilityPercent < 100)) {
    problems.push(`sloAvailabilityPercent: ${config.sloAvailabilityPercent} is invalid. Fix: use a percentage below 100, e.g. 99.9`);
  }
  if (!(config.unhealthyAgentsCriticalPercent > config.thresholds.unhealthyAgentsPercent)) {
    problems.push(
      `unhealthyAgentsCriticalPercent: ${config.unhealthyAgentsCriticalPercent} is invalid. Fix: use more than ` +
        `thresholds.unhealthyAgentsPercent (${config.thresholds.unhealthyAgentsPercent}), the level beyond the degraded alert that pages`,
    );
  }
  for (const [name, value] of Object.entries(config.thresholds)) {
    if (!(value > 0)) problems.push(`thresholds.${name}: ${value} is invalid. Fix: use a number above 0`);
  }
  if (problems.length > 0) throw new Error(`WF-001 alert rules for ${config.namespace}:\n  - ${problems.join('\n  - ')}`);
}
