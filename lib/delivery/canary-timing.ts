/**
 * The timing of one Flagger canary, computed once. CanaryRelease builds it from its props and
 * writes the Canary's manifest from it; OrchestratorCanaryStuck (lib/observability/rules), the
 * Pulumi program's `canaryAnalysisTimeoutSeconds` and `npm run wait-canary` read this same value
 * from the construct, so nothing reads Flagger's duration strings back out of the manifest
 * (test/lib/delivery/canary-timing.test.ts checks that the manifest says what this value says).
 */
import { SCRAPE_INTERVAL_SECONDS } from '../metrics-contract';
import { DEFAULT_POD_START_SECONDS } from '../workloads/pod-defaults';
import { MIN_SCRAPES_PER_WINDOW } from './metric-templates';
import { AnalysisTiming, longestAnalysisSeconds, longestCanaryTrafficSeconds, rollbackBound, RollbackBound } from './rollback-budget';

/**
 * Flagger providers this package supports.
 * - `kubernetes`: blue/green with no mesh or ingress controller involved. The canary gets only
 *   the load test's traffic for `iterations` checks, then Flagger copies it to the primary.
 * - `nginx`: traffic shifting through ingress-nginx. Flagger clones the target's Ingress into
 *   `<target>-canary` with canary-weight annotations and raises the weight by `stepWeight` up
 *   to `maxWeight` of live traffic, then promotes.
 */
export const CANARY_PROVIDERS = ['kubernetes', 'nginx'] as const;
export type CanaryProvider = (typeof CANARY_PROVIDERS)[number];

/** What a canary's timing is made of: its analysis and how its traffic advances. */
export interface CanaryTimingSettings extends AnalysisTiming {
  readonly provider: CanaryProvider;
  /** `nginx`: highest share of live traffic (%) on the canary. */
  readonly maxWeight: number;
  /** `nginx`: share (%) added per successful check. */
  readonly stepWeight: number;
  /** `kubernetes`: successful checks before promotion. */
  readonly iterations: number;
}

/** A canary's timing as its CanaryRelease props give it: each setting left out takes its default. */
export type CanaryTimingProps = Pick<CanaryTimingSettings, 'provider'> &
  Partial<Omit<CanaryTimingSettings, 'provider' | 'podStartSeconds'>> & { readonly scrapeIntervalSeconds?: number };

/**
 * The settings with CanaryRelease's defaults (documented on CanaryReleaseProps) applied. The
 * construct is built from them and the environment config checks the same values under its own
 * field names (stacks/config/cross-field.ts), so each default is written once, here. With them,
 * the worst-case rollback (docs/canary.md) is max((⌊60 s / 30 s⌋ + 4 + 3) × 30 s,
 * 120 s window + (4 + 1) × 30 s, (⌊180 s / 30 s⌋ + 2) × 30 s) = max(270, 270, 240) = 270 s, under
 * the runbook's 300 s (measured against a real Flagger: test/cluster/21-canary-rollback.test.ts).
 */
export function canaryTimingSettings(props: CanaryTimingProps): CanaryTimingSettings {
  return {
    provider: props.provider,
    intervalSeconds: props.intervalSeconds ?? 30,
    threshold: props.threshold ?? 4,
    metricWindowSeconds: props.metricWindowSeconds ?? MIN_SCRAPES_PER_WINDOW * (props.scrapeIntervalSeconds ?? SCRAPE_INTERVAL_SECONDS),
    progressDeadlineSeconds: props.progressDeadlineSeconds ?? 180,
    maxWeight: props.maxWeight ?? 50,
    stepWeight: props.stepWeight ?? 10,
    iterations: props.iterations ?? 10,
  };
}

/**
 * Why a traffic step is larger than the highest weight, or undefined when it is not: the first
 * step would already pass maxWeight. Shared by config validation (stacks/config/cross-field.ts, which names
 * the field `canary.maxWeight`) and CanaryRelease, like metricWindowProblem.
 */
export function stepWeightProblem(stepWeight: number, maxWeight: number, maxWeightField = 'maxWeight'): string | undefined {
  if (stepWeight <= maxWeight) return undefined;
  return `use at most ${maxWeightField} (${maxWeight})`;
}

/**
 * Ticks of a successful run beyond the analysis (longestAnalysisSeconds, which ends with the
 * promotion tick) and the two progress deadlines: the tick that notices the new revision, the one
 * that routes all traffic back to the primary (Finalising) and the one that scales the canary to
 * zero (Succeeded). Measured against Flagger 1.44 (test/cluster/20-canary-release.test.ts).
 */
export const CANARY_BOOKKEEPING_INTERVALS = 3;

/** How long a deploy pipeline waits after `pulumi up` for the canary's verdict (pulumi/canary-wait.ts). */
export interface CanaryWaitBound {
  /** Upper bound of a run from `pulumi up` to Succeeded or Failed. */
  readonly timeoutSeconds: number;
  /** The arithmetic with the numbers filled in. */
  readonly explanation: string;
}

/** The one timing value of a canary: its settings and everything derived from them. */
export interface CanaryTiming extends Required<AnalysisTiming> {
  readonly provider: CanaryProvider;
  /** Successful checks before promotion: `ceil(maxWeight / stepWeight)` (nginx) or `iterations` (kubernetes). */
  readonly steps: number;
  /** Worst-case time from a bad release to its rollback. */
  readonly rollback: RollbackBound;
  /** Longest the analysis holds the canary's traffic (lib/delivery/rollback-budget.ts). */
  readonly longestAnalysisSeconds: number;
  /** The analysis and then the primary's rollout at promotion. */
  readonly longestCanaryTrafficSeconds: number;
  readonly wait: CanaryWaitBound;
}

/** Checks before promotion; the settings must already be valid (CanaryRelease validates them). */
function stepsOf(settings: CanaryTimingSettings): number {
  return settings.provider === 'nginx' ? Math.ceil(settings.maxWeight / settings.stepWeight) : settings.iterations;
}

/**
 * The longest a healthy or failing canary run can take, from `pulumi up` to its verdict:
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
function waitBound(t: Required<AnalysisTiming>, steps: number): CanaryWaitBound {
  const p = t.progressDeadlineSeconds;
  const i = t.intervalSeconds;
  const timeoutSeconds = 2 * p + longestAnalysisSeconds(t, steps) + i * CANARY_BOOKKEEPING_INTERVALS;
  const explanation =
    `2 × progressDeadline ${p} s + interval ${i} s × (${steps} steps + promotion + ${t.threshold - 1} tolerated failed checks + ` +
    `${CANARY_BOOKKEEPING_INTERVALS} bookkeeping) = ${timeoutSeconds} s`;
  return { timeoutSeconds, explanation };
}

export function canaryTiming(settings: CanaryTimingSettings): CanaryTiming {
  const analysis: Required<AnalysisTiming> = {
    intervalSeconds: settings.intervalSeconds,
    threshold: settings.threshold,
    metricWindowSeconds: settings.metricWindowSeconds,
    progressDeadlineSeconds: settings.progressDeadlineSeconds,
    podStartSeconds: settings.podStartSeconds ?? DEFAULT_POD_START_SECONDS,
  };
  const steps = stepsOf(settings);
  return {
    ...analysis,
    provider: settings.provider,
    steps,
    rollback: rollbackBound(analysis),
    longestAnalysisSeconds: longestAnalysisSeconds(analysis, steps),
    longestCanaryTrafficSeconds: longestCanaryTrafficSeconds(analysis, steps),
    wait: waitBound(analysis, steps),
  };
}
