/**
 * The canary's one timing value (lib/delivery/canary-timing.ts) and the manifest written from it:
 * the Canary that CanaryRelease synthesizes, read back, says exactly what the value says, so the
 * alert rules, the Pulumi program and wait-canary, which read the value, agree with Flagger.
 */
import { CANARY_BOOKKEEPING_INTERVALS, canaryTimingSettings } from '../../../lib/delivery/canary-timing';
import { CANARY_NAME, THRESHOLDS } from '../../../lib/runbook';
import { ENVIRONMENTS } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { synthesizeEnvironment } from '../../../stacks/synth';
import { canaryTimingOfSpec, CanaryTimingSpec, timingOfCanarySpec } from '../../support/canary-spec';

describe.each(ENVIRONMENTS)('canary timing of %s', (environment) => {
  const config = loadEnvironment(environment);
  const synthesized = synthesizeEnvironment(config);
  const timing = synthesized.chart.canary.timing;
  const canary = synthesized.objects.find((o) => o.kind === 'Canary' && o.metadata.name === CANARY_NAME)!;

  test('the synthesized Canary, read back, says what the timing value says', () => {
    expect(canaryTimingOfSpec(canary.spec as CanaryTimingSpec)).toEqual(timing);
  });

  test('is the config\'s canary (CanaryRelease\'s defaults where it leaves one out), with its steps: ⌈maxWeight / stepWeight⌉ (nginx) or iterations (kubernetes)', () => {
    const c = canaryTimingSettings(config.canary);
    expect(timing).toMatchObject({ provider: c.provider, intervalSeconds: c.intervalSeconds, threshold: c.threshold, metricWindowSeconds: c.metricWindowSeconds, progressDeadlineSeconds: c.progressDeadlineSeconds });
    expect(timing.steps).toBe(c.provider === 'nginx' ? Math.ceil(c.maxWeight / c.stepWeight) : c.iterations);
  });

  test("rolls back within the runbook's 5 minutes", () => {
    expect(timing.rollback.worstCaseSeconds).toBeLessThan(THRESHOLDS.rollbackSeconds);
  });

  test('the pipeline waits 2 × deadline + interval × (steps + threshold + bookkeeping), longer than a rollback takes', () => {
    expect(timing.wait.timeoutSeconds).toBe(2 * timing.progressDeadlineSeconds + timing.intervalSeconds * (timing.steps + timing.threshold + CANARY_BOOKKEEPING_INTERVALS));
    expect(timing.wait.explanation).toContain(`= ${timing.wait.timeoutSeconds} s`);
    expect(timing.wait.timeoutSeconds).toBeGreaterThan(timing.rollback.worstCaseSeconds);
  });
});

describe('reading a Canary spec back (test support)', () => {
  const spec = (analysis: Record<string, unknown>): CanaryTimingSpec => ({ progressDeadlineSeconds: 60, analysis: { interval: '30s', threshold: 5, ...analysis } });

  test('the metric window is the longest of the metrics\' intervals, 0 without metrics', () => {
    expect(timingOfCanarySpec(spec({ metrics: [{ interval: '1m' }, { interval: '2m' }, { interval: '90s' }] }))).toEqual({
      intervalSeconds: 30, threshold: 5, metricWindowSeconds: 120, progressDeadlineSeconds: 60,
    });
    expect(timingOfCanarySpec(spec({})).metricWindowSeconds).toBe(0);
  });

  test.each([
    ['progressDeadlineSeconds', { analysis: { interval: '30s', threshold: 5, metrics: [{ interval: '1m' }] } }],
    ['analysis.interval', spec({ interval: undefined })],
    ['analysis.threshold', spec({ threshold: undefined })],
    ['analysis.metrics[1].interval', spec({ metrics: [{ interval: '1m' }, {}] })],
  ])('fails when spec.%s is not set', (field, s) => {
    expect(() => timingOfCanarySpec(s)).toThrow(`Canary spec.${field} is not set; the rollback bound depends on it`);
  });

  test('fails when the Canary states neither traffic steps nor iterations', () => {
    expect(() => canaryTimingOfSpec({ ...spec({}), provider: 'nginx' })).toThrow(/cannot tell how many checks precede promotion/);
  });
});
