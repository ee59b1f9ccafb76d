/**
 * The orchestrator's error rate, the share of HTTP requests answered with a 5xx, written once.
 * Two places compute it from the raw request series: the recording rules (observability/rules/recording-rules.ts:
 * the alerts and dashboards read the recorded ratio) and the canary's MetricTemplate
 * (delivery/metric-templates.ts: Flagger measures the canary's pods only, over its own window, so
 * it cannot read a recorded series). Both build it from here; each says only which requests it
 * measures and how.
 */
import { Matchers } from './promql';

/** The matcher that narrows requests to those answered with a server error (`code` of the metrics contract). */
export const SERVER_ERRORS: Matchers = { code: { regex: '5..' } };

/** The summed request rate of the requests a query measures; with `serverErrors` (SERVER_ERRORS), of their 5xx only. */
export type RequestRate = (serverErrors?: Matchers) => string;

/** The three terms of `(errors or noErrors) / requests`. */
export interface ErrorRatioTerms {
  readonly errors: string;
  /**
   * What stands in for `errors` while there are none. A 5xx series exists only after the first
   * 5xx, so without it a service that never failed would have no error rate (no data, no alert
   * evaluation) instead of 0. Empty without requests either way: no traffic is no value, never 0 %.
   */
  readonly noErrors: string;
  readonly requests: string;
}

/**
 * The terms of the error ratio of `requestRate`. `noErrors` defaults to `requests * 0`, which is
 * 0 with the labels of `requests`: what a ratio grouped by labels needs. An ungrouped sum has no
 * labels to keep and may use `on() vector(0)`.
 */
export function errorRatioTerms(requestRate: RequestRate, noErrors = `${requestRate()} * 0`): ErrorRatioTerms {
  return { errors: requestRate(SERVER_ERRORS), noErrors, requests: requestRate() };
}

/** `(errors or noErrors) / requests` on one line, a ratio from 0 to 1. */
export function errorRatio(terms: ErrorRatioTerms): string {
  return `(${terms.errors} or ${terms.noErrors}) / ${terms.requests}`;
}
