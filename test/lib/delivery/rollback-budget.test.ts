import * as fs from 'fs';
import * as path from 'path';
import { flaggerDuration, longestAnalysisSeconds, longestCanaryTrafficSeconds, parseFlaggerDuration, rollbackBound, rollbackBudgetProblem, runMilestones } from '../../../lib/delivery/rollback-budget';
import { THRESHOLDS } from '../../../lib/runbook';
import { DEFAULT_POD_START_SECONDS } from '../../../lib/workloads/pod-defaults';
import { ENVIRONMENTS } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { canaryTimingSettings } from '../../../lib/delivery/canary-timing';

describe('the documented arithmetic', () => {
  const read = (...parts: string[]) => fs.readFileSync(path.join(__dirname, '..', '..', '..', ...parts), 'utf8');

  it.each(ENVIRONMENTS)('%s: docs/canary.md states the bound the config gives', (env) => {
    const c = canaryTimingSettings(loadEnvironment(env).canary);
    const b = rollbackBound(c);
    expect(read('docs', 'canary.md')).toContain(
      `| ${env} | ${c.intervalSeconds} s | ${c.threshold} | ${c.metricWindowSeconds} s | ${c.progressDeadlineSeconds} s | ${DEFAULT_POD_START_SECONDS} s | ` +
        `${b.badFromStartSeconds} s | ${b.failingGateSeconds} s | ${b.notReadySeconds} s | **${b.worstCaseSeconds} s** |`,
    );
  });

  it('docs/canary.md lists the Flagger Helm values that keep flagger_canary_* in the canary\'s namespace', () => {
    const prerequisites = read('docs', 'canary.md').split('## Cluster prerequisites')[1]!;
    // Flagger's chart (v1.44.0 charts/flagger/values.yaml) names them serviceMonitor.labels; an
    // unknown key such as serviceMonitor.additionalLabels is accepted by Helm and adds nothing.
    const selector = Object.entries(loadEnvironment('production').monitoring.selectorLabels).map(([k, v]) => `serviceMonitor.labels.${k}=${v}`);
    for (const value of ['serviceMonitor.enabled=true', 'serviceMonitor.honorLabels=true', ...selector]) {
      expect(prerequisites).toContain(value);
    }
    expect(prerequisites).not.toMatch(/--set serviceMonitor\.additionalLabels/);
  });

  it('the runbook states production\'s bound and arithmetic', () => {
    const c = canaryTimingSettings(loadEnvironment('production').canary);
    const b = rollbackBound(c);
    const automated = /### Automated Rollback([\s\S]*?)\n### /.exec(read('docs', 'runbooks', 'WF-001.md'))![1]!;
    const i = c.intervalSeconds;
    expect(automated).toContain(
      `max((⌊${DEFAULT_POD_START_SECONDS} s / ${i} s⌋ + ${c.threshold} + 3) × ${i} s, ${c.metricWindowSeconds} s window + (${c.threshold} + 1) × ${i} s, ` +
        `(⌊${c.progressDeadlineSeconds} s / ${i} s⌋ + 2) × ${i} s) = **${b.worstCaseSeconds} s**`,
    );
    expect(automated).toContain(`rolls back when\nfailed checks reach the threshold (${c.threshold};`);
  });
});

describe('rollbackBound', () => {
  it('is 270 s in production: the rollback comes one interval after the 4th failed check (measured against Flagger 1.44)', () => {
    expect(rollbackBound(canaryTimingSettings(loadEnvironment('production').canary))).toMatchObject({ badFromStartSeconds: 270, failingGateSeconds: 270, notReadySeconds: 240, worstCaseSeconds: 270 });
  });

  it('is the largest of (⌊S / I⌋ + T + 3) × I, W + (T + 1) × I and (⌊P / I⌋ + 2) × I', () => {
    expect(rollbackBound({ intervalSeconds: 30, threshold: 5, metricWindowSeconds: 60, progressDeadlineSeconds: 100 })).toMatchObject({
      badFromStartSeconds: (2 + 5 + 3) * 30,
      failingGateSeconds: 60 + 6 * 30,
      notReadySeconds: (3 + 2) * 30,
      worstCaseSeconds: 300,
    });
    expect(rollbackBound({ intervalSeconds: 20, threshold: 2, metricWindowSeconds: 60, progressDeadlineSeconds: 200 }).worstCaseSeconds).toBe((10 + 2) * 20);
    expect(rollbackBound({ intervalSeconds: 20, threshold: 2, metricWindowSeconds: 60, progressDeadlineSeconds: 60, podStartSeconds: 100 }).badFromStartSeconds).toBe((5 + 2 + 3) * 20);
  });

  it('milestones of a run, from the release: detection, first traffic, the rollbacks', () => {
    expect(runMilestones({ intervalSeconds: 10, threshold: 4, metricWindowSeconds: 40, progressDeadlineSeconds: 60, podStartSeconds: 6 })).toEqual({
      detectedSeconds: 10,
      firstTrafficSeconds: 20,
      metricGateRollbackSeconds: 70,
      preRolloutRollbackSeconds: 60,
      notReadyRollbackSeconds: 80,
    });
  });

  it('fails the budget when the bound equals it (the runbook says under 5 minutes)', () => {
    expect(rollbackBudgetProblem({ intervalSeconds: 30, threshold: 5, metricWindowSeconds: 60, progressDeadlineSeconds: 100 })).toMatch(/= 300 s is not under the runbook's 300 s/);
    expect(rollbackBudgetProblem({ intervalSeconds: 30, threshold: 4, metricWindowSeconds: 60, progressDeadlineSeconds: 100 })).toBeUndefined();
  });

  it('fails the budget on a long progress deadline alone', () => {
    expect(rollbackBudgetProblem({ intervalSeconds: 30, threshold: 1, metricWindowSeconds: 60, progressDeadlineSeconds: 600 })).toMatch(/never Ready: \(⌊progressDeadline 600 s \/ 30 s⌋ \+ 2\) × 30 s = 660 s/);
  });
});
describe('durations', () => {
  it.each([[30, '30s'], [60, '1m'], [90, '90s'], [120, '2m']])('%i s is written %s and read back', (seconds, text) => {
    expect(flaggerDuration(seconds)).toBe(text);
    expect(parseFlaggerDuration(text)).toBe(seconds);
  });

  it('reads compound durations', () => {
    expect(parseFlaggerDuration('1m30s')).toBe(90);
    expect(parseFlaggerDuration('1h')).toBe(3600);
  });

  it.each(['', '30', '1.5m', '30ms'])('fails on %j', (text) => {
    expect(() => parseFlaggerDuration(text)).toThrow(`Invalid Flagger duration:\n  - duration = ${JSON.stringify(text)}: use a Go duration of h, m and s parts, like "30s", "1m" or "1m30s".`);
  });
});

describe('boundaries of the rollback arithmetic', () => {
  // Production's timing; the canary pods' start budget is the default 60 s.
  const timing = { intervalSeconds: 30, threshold: 4, metricWindowSeconds: 120, progressDeadlineSeconds: 180 };

  test('the explanation shows the three bounds with their numbers', () => {
    expect(rollbackBound(timing).explanation).toBe(
      'max(bad from the start (⌊pod start 60 s / interval 30 s⌋ + threshold 4 + 3) × 30 s = 270 s, ' +
        'breach mid-run: metric window 120 s + (threshold 4 + 1) × interval 30 s = 270 s, ' +
        'never Ready: (⌊progressDeadline 180 s / 30 s⌋ + 2) × 30 s = 240 s) = 270 s',
    );
  });

  test('the worst case is whichever bound is the largest', () => {
    expect(rollbackBound({ ...timing, progressDeadlineSeconds: 250 })).toMatchObject({ badFromStartSeconds: 270, failingGateSeconds: 270, notReadySeconds: 300, worstCaseSeconds: 300 });
    expect(rollbackBound({ ...timing, podStartSeconds: 120 })).toMatchObject({ badFromStartSeconds: 330, failingGateSeconds: 270, worstCaseSeconds: 330 });
    expect(rollbackBound({ ...timing, metricWindowSeconds: 180 })).toMatchObject({ badFromStartSeconds: 270, failingGateSeconds: 330, worstCaseSeconds: 330 });
    // ⌊S / I⌋ and ⌊P / I⌋ round down: one second short of the next interval changes nothing.
    expect(rollbackBound({ ...timing, podStartSeconds: 89, progressDeadlineSeconds: 209 })).toMatchObject({ badFromStartSeconds: 270, notReadySeconds: 240 });
    expect(rollbackBound({ ...timing, podStartSeconds: 90, progressDeadlineSeconds: 210 })).toMatchObject({ badFromStartSeconds: 300, notReadySeconds: 270 });
  });

  test('a bound one second under the budget passes; at the budget it fails, with the arithmetic and the fix', () => {
    expect(rollbackBudgetProblem(timing, 271)).toBeUndefined();
    expect(rollbackBudgetProblem(timing, 270)).toBe(
      `worst-case rollback ${rollbackBound(timing).explanation} is not under the runbook's 270 s; ` +
        'shorten the interval, lower the threshold, the metric window or the progress deadline',
    );
  });

  test("the budget defaults to the runbook's rollback target", () => {
    // breach mid-run = W + 5 × 30: 299 s passes, 300 s fails.
    expect(rollbackBudgetProblem({ ...timing, metricWindowSeconds: THRESHOLDS.rollbackSeconds - 150 - 1 })).toBeUndefined();
    expect(rollbackBudgetProblem({ ...timing, metricWindowSeconds: THRESHOLDS.rollbackSeconds - 150 })).toMatch(/is not under the runbook's 300 s/);
  });

  test('the longest analysis holding traffic: steps checks plus threshold failed ones, one per interval', () => {
    expect(longestAnalysisSeconds({ intervalSeconds: 30, threshold: 4 }, 5)).toBe((5 + 4) * 30);
    expect(longestAnalysisSeconds({ intervalSeconds: 10, threshold: 1 }, 3)).toBe(40);
  });

  test("the longest a run holds live traffic adds the primary's rollout: (⌊S / I⌋ + 1) intervals", () => {
    // 5 steps + 4 failures = 270 s, then the primary's pods start within 60 s: 3 more ticks.
    expect(longestCanaryTrafficSeconds({ intervalSeconds: 30, threshold: 4 }, 5)).toBe(270 + 90);
    expect(longestCanaryTrafficSeconds({ intervalSeconds: 30, threshold: 4, podStartSeconds: 59 }, 5)).toBe(270 + 60);
    expect(longestCanaryTrafficSeconds({ intervalSeconds: 20, threshold: 3, podStartSeconds: 45 }, 4)).toBe(140 + 60);
  });
});

describe('boundaries of durations', () => {
  test.each([[59, '59s'], [61, '61s'], [3600, '60m'], [1, '1s']])('%i s is written %s', (seconds, text) => {
    expect(flaggerDuration(seconds)).toBe(text);
  });

  test.each([['1h2m3s', 3723], ['12h', 43200], ['0s', 0], ['45m', 2700], ['1h30s', 3630]])('reads %s as %i s', (text, seconds) => {
    expect(parseFlaggerDuration(text)).toBe(seconds);
  });

  test.each(['x30s', '30sx', '1m1h', '30s30s', 's', 'm', '-30s', ' 30s'])('fails on %j', (text) => {
    expect(() => parseFlaggerDuration(text)).toThrow(`duration = ${JSON.stringify(text)}: use a Go duration of h, m and s parts, like "30s", "1m" or "1m30s".`);
  });
});
