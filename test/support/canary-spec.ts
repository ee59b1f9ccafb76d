/**
 * Reads a Canary's timing back out of its manifest: Flagger's duration strings, the weights or
 * iterations. Only tests do this: to check that what CanaryRelease wrote says what its timing
 * value (lib/delivery/canary-timing.ts) says, and to compute bounds of a Canary the live suites
 * rewrote (scaled durations).
 */
import { CANARY_PROVIDERS, canaryTiming, CanaryProvider, CanaryTiming } from '../../lib/delivery/canary-timing';
import { AnalysisTiming, parseFlaggerDuration } from '../../lib/delivery/rollback-budget';

/** The parts of a Canary's `spec` its timing is written to. */
export interface CanaryTimingSpec {
  readonly provider?: string;
  readonly progressDeadlineSeconds?: number;
  readonly analysis: {
    readonly interval?: string;
    readonly threshold?: number;
    readonly maxWeight?: number;
    readonly stepWeight?: number;
    readonly iterations?: number;
    readonly metrics?: readonly { readonly interval?: string }[];
  };
}

/** The analysis timing of a Canary spec; the longest metric interval is its metric window. */
export function timingOfCanarySpec(spec: CanaryTimingSpec): AnalysisTiming {
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

/**
 * The whole timing value of a Canary spec, as canaryTiming computes it from the spec's numbers
 * (the canary pods' start budget is not in the Canary: the default, as CanaryRelease assumes).
 */
export function canaryTimingOfSpec(spec: CanaryTimingSpec): CanaryTiming {
  const provider = spec.provider as CanaryProvider;
  if (!(CANARY_PROVIDERS as readonly string[]).includes(provider)) throw new Error(`Canary spec.provider "${spec.provider}" is not one of ${CANARY_PROVIDERS.join(', ')}`);
  const { maxWeight, stepWeight, iterations } = spec.analysis;
  const steps = provider === 'nginx' ? { maxWeight: maxWeight!, stepWeight: stepWeight!, iterations: 0 } : { maxWeight: 0, stepWeight: 0, iterations: iterations! };
  const timing = canaryTiming({ ...timingOfCanarySpec(spec), provider, ...steps });
  if (!(Number.isInteger(timing.steps) && timing.steps >= 1)) {
    throw new Error(`Canary spec: cannot tell how many checks precede promotion (maxWeight ${maxWeight}, stepWeight ${stepWeight}, iterations ${iterations})`);
  }
  return timing;
}
