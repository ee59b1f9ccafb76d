import { rollbackBound, timingOfCanarySpec } from '../../lib/delivery/rollback-budget';
import { CANARY_NAME } from '../../lib/runbook';
import { ENVIRONMENTS } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { ManifestObject, synthesizeEnvironment } from '../../stacks/synth';
import { CANARY_BOOKKEEPING_INTERVALS, canaryIntervalSeconds, canaryWaitBound } from '../../pulumi/canary-wait';

const canaryOf = (environment: string): ManifestObject =>
  synthesizeEnvironment(loadEnvironment(environment)).objects.find((o) => o.kind === 'Canary' && o.metadata.name === CANARY_NAME)!;

describe.each(ENVIRONMENTS)('canary wait bound of %s', (environment) => {
  const config = loadEnvironment(environment).canary as Record<string, any>;
  const canary = canaryOf(environment);
  const bound = canaryWaitBound(canary);

  test('is read from the synthesized Canary: 2 × deadline + interval × (steps + threshold + bookkeeping)', () => {
    const steps = config.provider === 'nginx' ? Math.ceil(config.maxWeight / config.stepWeight) : config.iterations;
    expect(bound.steps).toBe(steps);
    expect(bound.timeoutSeconds).toBe(
      2 * config.progressDeadlineSeconds + config.intervalSeconds * (steps + config.threshold + CANARY_BOOKKEEPING_INTERVALS),
    );
    expect(bound.explanation).toContain(`= ${bound.timeoutSeconds} s`);
    expect(canaryIntervalSeconds(canary as any)).toBe(config.intervalSeconds);
  });

  test('leaves room for a rollback, which ends the run sooner', () => {
    expect(bound.timeoutSeconds).toBeGreaterThan(rollbackBound(timingOfCanarySpec(canary.spec as any)).worstCaseSeconds);
  });
});

test('fails when the Canary states neither traffic steps nor iterations', () => {
  const canary = canaryOf('production');
  const { maxWeight: _m, stepWeight: _s, iterations: _i, ...analysis } = (canary.spec as any).analysis;
  expect(() => canaryWaitBound({ ...canary, spec: { ...(canary.spec as any), analysis } })).toThrow(
    /cannot tell how many checks precede promotion.*Fix: set maxWeight and stepWeight, or iterations/,
  );
});
