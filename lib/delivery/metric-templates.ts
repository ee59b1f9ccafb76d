/**
 * The canary's gates as Flagger MetricTemplate queries, on the metrics contract only
 * (lib/metrics-contract.ts), never on a mesh's or ingress controller's built-in metrics, so
 * the same gates work with every Flagger provider.
 *
 * Queries use Flagger's template variables, so one template serves every environment:
 * `{{ namespace }}` (the Canary's namespace), `{{ target }}` (the target Deployment,
 * `orchestrator`) and `{{ interval }}` (the metric's query window, e.g. `2m`).
 *
 * Two rules keep a gate honest:
 * - Only the canary's pods are measured. Flagger's pod pattern `<target>-<hash>-<id>` is
 *   anchored by PromQL, so it matches `orchestrator-7d9f8b6c5-x2x9k` (canary) but not
 *   `orchestrator-primary-5c6b7d8f9-abcde` (primary, serving live traffic).
 * - No traffic is never a pass. Without requests both ratios are 0/0 = NaN. Flagger's
 *   Prometheus provider reads the sample with strconv.ParseFloat, which accepts "NaN", and NaN
 *   is neither above a `max` nor below a `min`, so NaN would pass. The trailing `>= 0` drops NaN:
 *   the query returns no value and Flagger counts a failed check ("no values found"). The
 *   load-test webhook keeps the canary under traffic, so that happens only when it is broken.
 *   The health gate ends in `>= 0` for the same reason: a NaN gauge is no value, not a pass.
 */
import { errorRatioTerms } from '../error-ratio';
import { METRICS } from '../metrics-contract';
import { Matchers, selector } from '../promql';

/** Flagger's usual selector for the canary Deployment's pods (`<target>-<replicaset hash>-<pod id>`). */
export const CANARY_POD_PATTERN = '{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)';

/**
 * Scrapes a gate's query window must span. rate() needs two samples in the window; with only
 * two, one missed or late scrape leaves one, the query returns nothing and Flagger counts a
 * failed check ("no values found") against a healthy canary. Four scrapes tolerate a missed one
 * with margin, and the window still shows a breach within a few checks.
 */
export const MIN_SCRAPES_PER_WINDOW = 4;

/** Why a gate query window is too short for the scrape interval, or undefined when it is not. */
export function metricWindowProblem(metricWindowSeconds: number, scrapeIntervalSeconds: number): string | undefined {
  const min = MIN_SCRAPES_PER_WINDOW * scrapeIntervalSeconds;
  if (metricWindowSeconds >= min) return undefined;
  return (
    `use at least ${MIN_SCRAPES_PER_WINDOW} × the ${scrapeIntervalSeconds} s scrape interval (${min} s): ` +
    'with fewer scrapes in the window one missed scrape leaves rate() no value, a failed check'
  );
}

/** A gate: a MetricTemplate and the range of values the canary's analysis accepts from it. */
export interface CanaryGate {
  /** MetricTemplate name, e.g. `orchestrator-error-rate`. */
  readonly templateName: string;
  /** Name of the check in the Canary's analysis (shown in Flagger's events: "Halt advancement error-rate-percent 2.5 > 1"). */
  readonly metricName: string;
  readonly query: string;
  /** Accepted values (Flagger's `thresholdRange`), in the unit the query returns; a bound left out is open. */
  readonly thresholdRange: { readonly min?: number; readonly max?: number };
  readonly unit: '%' | 'ms' | 'healthy (1) or not (0)';
}

/** Thresholds of the gates, as in EnvironmentConfig.thresholds. */
export interface GateThresholds {
  readonly errorRatePercent: number;
  readonly latencyP99Milliseconds: number;
}

/** `metric` of the canary's pods in the Canary's namespace. */
const canarySeries = (metric: string, matchers: Matchers = {}) => selector(metric, { namespace: '{{ namespace }}', pod: { regex: CANARY_POD_PATTERN }, ...matchers });

/** Percentage of the canary's HTTP requests answered with a 5xx, over the query window. */
export function errorRateQuery(): string {
  // One total, no labels to keep: `on() vector(0)` stands in for the 5xx while there are none.
  const terms = errorRatioTerms((serverErrors) => `sum(rate(${canarySeries(METRICS.httpRequests.name, serverErrors)}[{{ interval }}]))`, 'on() vector(0)');
  return ['(', `  ${terms.errors}`, `  or ${terms.noErrors}`, ')', `/ ${terms.requests}`, '* 100 >= 0'].join('\n');
}

/** 99th percentile of the canary's HTTP request latency in milliseconds, over the query window. */
export function latencyP99Query(): string {
  return [
    'histogram_quantile(0.99,',
    `  sum by (le) (rate(${canarySeries(`${METRICS.httpRequestDuration.name}_bucket`)}[{{ interval }}]))`,
    ') * 1000 >= 0',
  ].join('\n');
}

/**
 * The workflow controller's health as the least healthy canary pod reports it: 1 when every
 * canary pod's latest `agentaskit_workflow_health` sample in the window is 1, 0 when any is 0.
 * The latest sample, not the window's minimum: a pod that reported 0 while starting and has been
 * healthy since passes at once, rather than failing checks until the start leaves the window.
 * A canary pod whose gauge was not scraped in the window drops out; with none left there is no
 * value, a failed check.
 */
export function healthQuery(): string {
  return `min(last_over_time(${canarySeries(METRICS.workflowHealth.name)}[{{ interval }}])) >= 0`;
}

/**
 * The gates of a component's canary: `<component>-error-rate` and `<component>-latency-p99` at
 * most their thresholds, and `<component>-health` at least 1 (the runbook's health check).
 */
export function canaryGates(component: string, thresholds: GateThresholds): CanaryGate[] {
  return [
    { templateName: `${component}-error-rate`, metricName: 'error-rate-percent', query: errorRateQuery(), thresholdRange: { max: thresholds.errorRatePercent }, unit: '%' },
    { templateName: `${component}-latency-p99`, metricName: 'latency-p99-ms', query: latencyP99Query(), thresholdRange: { max: thresholds.latencyP99Milliseconds }, unit: 'ms' },
    { templateName: `${component}-health`, metricName: 'workflow-healthy', query: healthQuery(), thresholdRange: { min: 1 }, unit: 'healthy (1) or not (0)' },
  ];
}
