/**
 * Rollback arithmetic of a Flagger canary. The runbook requires a bad release to be rolled back
 * in under 5 minutes (THRESHOLDS.rollbackSeconds); this is the one place that computes how long
 * Flagger (v1.44.0) can take, used by config validation, by the CanaryRelease construct, by the
 * OrchestratorCanaryStuck alert and by the tests (unit tests read the numbers back from the
 * synthesized Canary; test/cluster/21-canary-rollback.test.ts measures them against a real Flagger).
 *
 * How Flagger decides (pkg/controller/scheduler.go, one tick every `interval` I per Canary,
 * pkg/controller/job.go:32-44):
 * - The tick after a release notices the new revision, scales the canary up and ends (886-933):
 *   up to I after the release.
 * - A canary that is not Ready ends the tick without a check (354-361). The first tick that finds
 *   it Ready runs the pre-rollout webhooks and, if they pass, gives it its first step of live
 *   traffic (449-459, 493-504). Its pods take at most S to become Ready (the startup probe's
 *   budget, `podStartSeconds`), so that tick comes at most (⌊S / I⌋ + 1) × I after the scale-up.
 * - Every later tick runs the analysis; a failing gate (a metric over its threshold, "no values
 *   found" (scheduler_metrics.go:155-162), a failed rollout or pre-rollout webhook) adds one
 *   failed check (455, 462). The rollback happens at the start of a tick, when failed checks are
 *   already ≥ T (430-439): the tick **after** the T-th failure. Routing back to the primary, scaling
 *   the canary to 0 and Failed are one tick (948-998).
 * - Not Ready: when the canary Deployment's Available condition has been False for more than the
 *   Canary's progressDeadlineSeconds P, the tick rolls back (pkg/canary/deployment_ready.go:81-86).
 *   For a release whose pods never become Ready, that condition flips when the canary is scaled up.
 *   Its lastUpdateTime has whole seconds (metav1.Time), so with P a multiple of I the tick exactly
 *   P after the scale-up usually sees the deadline passed already (measured: 68.7 s at I = 10 s,
 *   P = 60 s, against 80 s); the bound keeps the tick after it, for a scale-up on a whole second.
 *
 *   bad from the start:  (⌊S / I⌋ + T + 3) × I   from the release: detection I, the first tick that
 *                                               sees the canary Ready (⌊S / I⌋ + 1) × I, then T
 *                                               failed checks and the rollback tick
 *   breach mid-run:      W + (T + 1) × I         from the first bad request: the query window W to
 *                                               show it, T failed checks, the rollback tick
 *   never Ready:         (⌊P / I⌋ + 2) × I       from the release: detection I, the first tick more
 *                                               than P after the scale-up
 *   worst case = the largest of the three
 *
 * Example, production: I = 30 s, T = 4, W = 120 s (4 scrapes of 30 s), P = 180 s, S = 60 s:
 * max((2 + 7) × 30, 120 + 5 × 30, (6 + 2) × 30) = max(270, 270, 240) = 270 s, inside 300 s.
 * (Until issue 11 this said W + T × I = 240 s: measured against a real Flagger, the rollback
 * comes one interval after the T-th failed check, and the canary's start comes first.)
 */
import { invalid } from '../invalid';
import { THRESHOLDS } from '../runbook';
import { DEFAULT_POD_START_SECONDS } from '../workloads/pod-defaults';

export interface AnalysisTiming {
  /** Seconds between analysis runs (`analysis.interval`). */
  readonly intervalSeconds: number;
  /** Failed checks before rollback (`analysis.threshold`). */
  readonly threshold: number;
  /** Longest metric query window (`analysis.metrics[].interval`). */
  readonly metricWindowSeconds: number;
  /** `progressDeadlineSeconds`: how long the canary may stay not Ready. */
  readonly progressDeadlineSeconds: number;
  /** Longest time a canary pod takes to become Ready (its startup probe's budget). @default DEFAULT_POD_START_SECONDS */
  readonly podStartSeconds?: number;
}

export interface RollbackBound {
  /** (⌊S / I⌋ + T + 3) × I: from a release that fails its gates from its first request to rollback. */
  readonly badFromStartSeconds: number;
  /** W + (T + 1) × I: from the first bad request of a canary that starts failing mid-run to rollback. */
  readonly failingGateSeconds: number;
  /** (⌊P / I⌋ + 2) × I: from a release whose pods never become Ready to rollback. */
  readonly notReadySeconds: number;
  readonly worstCaseSeconds: number;
  /** The arithmetic with the numbers filled in, for error messages and docs. */
  readonly explanation: string;
}

/** Upper bounds of a run's milestones, seconds after the release (for the live measurements). */
export interface RunMilestones {
  /** The tick that notices the release and scales the canary up. */
  readonly detectedSeconds: number;
  /** The first tick that sees the canary Ready: pre-rollout webhooks, then the first traffic step. */
  readonly firstTrafficSeconds: number;
  /** Rollback when a metric gate fails from the first analysis on. */
  readonly metricGateRollbackSeconds: number;
  /** Rollback when the pre-rollout webhook fails (no traffic ever shifted): one tick earlier. */
  readonly preRolloutRollbackSeconds: number;
  /** Rollback of a canary that never becomes Ready. */
  readonly notReadyRollbackSeconds: number;
}

export function runMilestones(t: AnalysisTiming): RunMilestones {
  const i = t.intervalSeconds;
  const s = t.podStartSeconds ?? DEFAULT_POD_START_SECONDS;
  const detectedSeconds = i;
  const firstTrafficSeconds = detectedSeconds + (Math.floor(s / i) + 1) * i;
  return {
    detectedSeconds,
    firstTrafficSeconds,
    metricGateRollbackSeconds: firstTrafficSeconds + (t.threshold + 1) * i,
    preRolloutRollbackSeconds: firstTrafficSeconds + t.threshold * i,
    notReadyRollbackSeconds: detectedSeconds + (Math.floor(t.progressDeadlineSeconds / i) + 1) * i,
  };
}

export function rollbackBound(t: AnalysisTiming): RollbackBound {
  const i = t.intervalSeconds;
  const s = t.podStartSeconds ?? DEFAULT_POD_START_SECONDS;
  const m = runMilestones(t);
  const badFromStartSeconds = m.metricGateRollbackSeconds;
  const failingGateSeconds = t.metricWindowSeconds + (t.threshold + 1) * i;
  const notReadySeconds = m.notReadyRollbackSeconds;
  const worstCaseSeconds = Math.max(badFromStartSeconds, failingGateSeconds, notReadySeconds);
  const explanation =
    `max(bad from the start (⌊pod start ${s} s / interval ${i} s⌋ + threshold ${t.threshold} + 3) × ${i} s = ${badFromStartSeconds} s, ` +
    `breach mid-run: metric window ${t.metricWindowSeconds} s + (threshold ${t.threshold} + 1) × interval ${i} s = ${failingGateSeconds} s, ` +
    `never Ready: (⌊progressDeadline ${t.progressDeadlineSeconds} s / ${i} s⌋ + 2) × ${i} s = ${notReadySeconds} s) = ${worstCaseSeconds} s`;
  return { badFromStartSeconds, failingGateSeconds, notReadySeconds, worstCaseSeconds, explanation };
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
 * Longest a run's analysis holds live traffic on the canary, seconds: from the first step's tick,
 * `steps` passing checks and the promotion tick, with up to `threshold − 1` failed checks between
 * them (each halts the advance and holds the weight; the `threshold`-th means a rollback one tick
 * later, which ends the run no later: steps − 1 passes, T failures, the rollback tick):
 * (steps + T) × I. Measured against Flagger 1.44 (test/cluster/20-canary-release.test.ts): weight
 * 10 … 50 one tick each, the promotion tick at 50, then the primary's rollout.
 * Part of the canary's one timing value (canary-timing.ts): the deploy pipeline's wait and
 * OrchestratorCanaryStuck both read it there.
 */
export function longestAnalysisSeconds(t: Pick<AnalysisTiming, 'intervalSeconds' | 'threshold'>, steps: number): number {
  return (steps + t.threshold) * t.intervalSeconds;
}

/**
 * Longest a healthy or failing run keeps live traffic on the canary, seconds: the analysis
 * ({@link longestAnalysisSeconds}), then, at promotion, the primary's rollout of the new version:
 * traffic goes back to the primary only at the first tick that finds it Ready, at most
 * (⌊S / I⌋ + 1) × I later (its pods start within S, as the canary's did). Longer than this, the
 * release or its rollback is stuck (OrchestratorCanaryStuck).
 */
export function longestCanaryTrafficSeconds(t: Pick<AnalysisTiming, 'intervalSeconds' | 'threshold' | 'podStartSeconds'>, steps: number): number {
  const i = t.intervalSeconds;
  return longestAnalysisSeconds(t, steps) + (Math.floor((t.podStartSeconds ?? DEFAULT_POD_START_SECONDS) / i) + 1) * i;
}

/** A Go duration as Flagger writes it: whole minutes as `1m`, otherwise seconds (`30s`). */
export function flaggerDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** Seconds of a Go duration made of h/m/s parts (`90s`, `1m30s`, `2m`), as live objects state them. */
export function parseFlaggerDuration(value: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!value || !match) invalid('Invalid Flagger duration', 'duration', value, 'use a Go duration of h, m and s parts, like "30s", "1m" or "1m30s"');
  const [, h, m, s] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}
