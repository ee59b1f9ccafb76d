/**
 * How long a deploy pipeline waits, after `pulumi up`, for Flagger to finish analysing a new
 * orchestrator revision. `pulumi up` returns once Deployment `orchestrator` is updated; Flagger
 * then runs the canary analysis in the background and either promotes the revision or rolls it
 * back. Only the Canary's status says which, so the pipeline waits for it
 * (`npm run wait-canary`, scripts/wait-canary.ts) and must not move on to the next environment
 * before. The bound is read from the synthesized Canary itself, the one source of its timing.
 */
import { longestAnalysisSeconds, parseFlaggerDuration, timingOfCanarySpec } from '../lib/delivery/rollback-budget';
import { ManifestObject } from '../stacks/synth';
import { Json } from '../lib/manifest';

/**
 * Ticks of a successful run beyond the analysis (longestAnalysisSeconds, which ends with the
 * promotion tick) and the two progress deadlines: the tick that notices the new revision, the one
 * that routes all traffic back to the primary (Finalising) and the one that scales the canary to
 * zero (Succeeded). Measured against Flagger 1.44 (test/cluster/20-canary-release.test.ts).
 */
export const CANARY_BOOKKEEPING_INTERVALS = 3;

export interface CanaryWaitBound {
  /** Upper bound of a run from `pulumi up` to Succeeded or Failed. */
  readonly timeoutSeconds: number;
  /** Successful checks before promotion: `ceil(maxWeight / stepWeight)` (traffic shifting) or `iterations`. */
  readonly steps: number;
  /** The arithmetic with the numbers filled in. */
  readonly explanation: string;
}

/**
 * The longest a healthy or failing canary run can take:
 *
 *   2 × P + I × (S + T + bookkeeping)
 *
 * P = `progressDeadlineSeconds`, once for the canary pods to become Ready and once for the
 * primary's rollout at promotion (Flagger fails the run past it either way); I = the analysis
 * interval; S + T = the analysis: S successful checks and the promotion tick, with T − 1 failed
 * checks that halt the advance without rolling back (the T-th rolls back one tick later, which
 * ends the run no later). A rollback always ends within this bound, since its own worst case
 * (lib/delivery/rollback-budget.ts) is shorter.
 */
export function canaryWaitBound(canary: ManifestObject): CanaryWaitBound {
  const spec = canary.spec as Json;
  const timing = timingOfCanarySpec(spec as Parameters<typeof timingOfCanarySpec>[0]);
  const analysis = spec.analysis as Json;
  const steps = analysis.maxWeight !== undefined
    ? Math.ceil(analysis.maxWeight / analysis.stepWeight)
    : analysis.iterations;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(
      `Canary ${canary.metadata.name}: cannot tell how many checks precede promotion (maxWeight ${analysis.maxWeight}, ` +
        `stepWeight ${analysis.stepWeight}, iterations ${analysis.iterations}). Fix: set maxWeight and stepWeight, or iterations.`,
    );
  }
  const p = timing.progressDeadlineSeconds;
  const i = timing.intervalSeconds;
  const timeoutSeconds = 2 * p + longestAnalysisSeconds(timing, steps) + i * CANARY_BOOKKEEPING_INTERVALS;
  const explanation =
    `2 × progressDeadline ${p} s + interval ${i} s × (${steps} steps + promotion + ${timing.threshold - 1} tolerated failed checks + ` +
    `${CANARY_BOOKKEEPING_INTERVALS} bookkeeping) = ${timeoutSeconds} s`;
  return { timeoutSeconds, steps, explanation };
}

/** The analysis interval of a Canary as the live object states it (`spec.analysis.interval`). */
export function canaryIntervalSeconds(canary: { readonly spec?: Json }): number {
  return parseFlaggerDuration(String(canary.spec?.analysis?.interval ?? ''));
}
