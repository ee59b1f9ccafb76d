/**
 * How long a deploy pipeline waits, after `pulumi up`, for Flagger to finish analysing a new
 * orchestrator revision. `pulumi up` returns once Deployment `orchestrator` is updated; Flagger
 * then runs the canary analysis in the background and either promotes the revision or rolls it
 * back. Only the Canary's status says which, so the pipeline waits for it
 * (`npm run wait-canary`, scripts/wait-canary.ts) and must not move on to the next environment
 * before. The bound is the canary's own timing value (lib/delivery/canary-timing.ts), read from
 * the CanaryRelease that wrote the manifest.
 */
import { CanaryTiming } from '../lib/delivery/canary-timing';
import { CANARY_NAME } from '../lib/runbook';
import { SynthesizedEnvironment } from '../stacks/synth';

/**
 * The timing of the runbook's canary (`CANARY_NAME`) of a synthesized environment. Throws when the
 * chart does not deploy it: the stack's outputs and the pipeline's wait name that canary, and
 * naming one that is not deployed would mislead.
 */
export function runbookCanaryTiming(synthesized: SynthesizedEnvironment): CanaryTiming {
  const { config, chart, objects } = synthesized;
  const deployed = objects.some((o) => o.kind === 'Canary' && o.metadata.name === CANARY_NAME);
  if (!deployed || chart.canary.canary.name !== CANARY_NAME) {
    throw new Error(`${config.environment}: the chart synthesizes no Canary "${CANARY_NAME}" (the runbook's canary). Fix: keep the CanaryRelease in stacks/workflow-chart.ts.`);
  }
  return chart.canary.timing;
}
