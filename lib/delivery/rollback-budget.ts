/**
 * Rollback arithmetic of a Flagger canary. The runbook requires a bad release to be rolled back
 * in under 5 minutes (THRESHOLDS.rollbackSeconds); this is the one place that computes how long
 * Flagger can take, used by config validation, by the CanaryRelease construct and by the tests
 * (which read the numbers back from the synthesized Canary).
 *
 * How Flagger decides (analysis loop, one run every `interval`):
 * - A failing gate (metric over its threshold, "no values found", or a failed pre-rollout or
 *   rollout webhook) halts the advance and adds one failed check; when failed checks reach
 *   `threshold`, Flagger routes all traffic back to the primary and scales the canary to zero.
 *   Routing back is one API update (the primary never stopped serving), so the rollback is
 *   complete at that check.
 * - A metric is a rate over the query window (`metrics[].interval`): a release that starts
 *   failing needs at most one window before the windowed error rate or p99 shows it.
 *
 *   failing gate:  W + T × I      (window to show the breach, then T failed checks, one per
 *                                  interval; counting T intervals rather than T − 1 covers the
 *                                  wait for the next check after the window)
 *   not Ready:     P + I          (canary pods never become or stop being Ready: Flagger fails
 *                                  the run when `progressDeadlineSeconds` P has passed since the
 *                                  last progress, and notices at the next check)
 *   worst case = max(W + T × I, P + I)
 *
 * Example, production: I = 30 s, T = 4, W = 120 s (4 scrapes of 30 s), P = 180 s:
 * max(120 + 4 × 30, 180 + 30) = max(240, 210) = 240 s, inside 300 s.
 */
import { THRESHOLDS } from '../runbook';

export interface AnalysisTiming {
  /** Seconds between analysis runs (`analysis.interval`). */
  readonly intervalSeconds: number;
  /** Failed checks before rollback (`analysis.threshold`). */
  readonly threshold: number;
  /** Longest metric query window (`analysis.metrics[].interval`). */
  readonly metricWindowSeconds: number;
  /** `progressDeadlineSeconds`: how long the canary may stay not Ready. */
  readonly progressDeadlineSeconds: number;
}

export interface RollbackBound {
  /** W + T × I: from the first bad request to rollback when a gate fails. */
  readonly failingGateSeconds: number;
  /** P + I: from the canary losing readiness to rollback. */
  readonly notReadySeconds: number;
  readonly worstCaseSeconds: number;
  /** The arithmetic with the numbers filled in, for error messages and docs. */
  readonly explanation: string;
}

export function rollbackBound(t: AnalysisTiming): RollbackBound {
  const failingGateSeconds = t.metricWindowSeconds + t.threshold * t.intervalSeconds;
  const notReadySeconds = t.progressDeadlineSeconds + t.intervalSeconds;
  const worstCaseSeconds = Math.max(failingGateSeconds, notReadySeconds);
  const explanation =
    `max(metric window ${t.metricWindowSeconds} s + threshold ${t.threshold} × interval ${t.intervalSeconds} s = ${failingGateSeconds} s, ` +
    `progressDeadline ${t.progressDeadlineSeconds} s + interval ${t.intervalSeconds} s = ${notReadySeconds} s) = ${worstCaseSeconds} s`;
  return { failingGateSeconds, notReadySeconds, worstCaseSeconds, explanation };
}

/**
 * Why `t` cannot meet the runbook's rollback target, or undefined when it does. The target is
 * strict ("completes in <5 minutes"), so a bound equal to it fails.
 */
export function rollbackBudgetProblem(t: AnalysisTiming, budgetSeconds: number = THRESHOLDS.rollbackSeconds): string | undefined {
  const bound = rollbackBound(t);
  if (bound.worstCaseSeconds < budgetSeconds) return undefined;
  return (
    `worst-case rollback ${bound.explanation} is not under the runbook's ${budgetSeconds} s; ` +
    'shorten the interval, lower the threshold, the metric window or the progress deadline'
  );
}

/**
 * Longest analysis of a run that ends in promotion, seconds: `steps` successful checks (one per
 * interval) plus `threshold − 1` failed checks, each of which halts the advance and holds the
 * canary's weight without rolling back (the `threshold`-th rolls back, ending the run sooner).
 * Shared by the deploy pipeline's wait (pulumi/canary-wait.ts) and OrchestratorCanaryStuck.
 */
export function longestAnalysisSeconds(t: Pick<AnalysisTiming, 'intervalSeconds' | 'threshold'>, steps: number): number {
  return (steps + t.threshold - 1) * t.intervalSeconds;
}

/** A Go duration as Flagger writes it: whole minutes as `1m`, otherwise seconds (`30s`). */
export function flaggerDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** Seconds of a Go duration made of h/m/s parts (`90s`, `1m30s`, `2m`). */
export function parseFlaggerDuration(value: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!value || !match) throw new Error(`"${value}" is not a duration like "30s", "1m" or "1m30s"`);
  const [, h, m, s] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

/** The timing of a synthesized Canary (its JSON `spec`), for checking what is really deployed. */
export function timingOfCanarySpec(spec: {
  readonly progressDeadlineSeconds?: number;
  readonly analysis: { readonly interval?: string; readonly threshold?: number; readonly metrics?: readonly { readonly interval?: string }[] };
}): AnalysisTiming {
  const { analysis } = spec;
  // An omitted field would fall back to a Flagger default (a 600 s progress deadline, a 1m
  // metric window); the construct always sets them, so an omission is an error, not a guess.
  const required = <T>(value: T | undefined, field: string): T => {
    if (value === undefined) throw new Error(`Canary spec.${field} is not set; the rollback bound depends on it`);
    return value;
  };
  return {
    intervalSeconds: parseFlaggerDuration(required(analysis.interval, 'analysis.interval')),
    threshold: required(analysis.threshold, 'analysis.threshold'),
    metricWindowSeconds: Math.max(0, ...(analysis.metrics ?? []).map((m, i) => parseFlaggerDuration(required(m.interval, `analysis.metrics[${i}].interval`)))),
    progressDeadlineSeconds: required(spec.progressDeadlineSeconds, 'progressDeadlineSeconds'),
  };
}
