import { MAX_AGENT_POOL_PODS, MAX_AGENT_POOL_REASON, planRollout, rolloutDeadlineProblem } from '../../../lib/workloads/rollout';

test('production agent pool at its HPA maximum replaces 1100 pods in 3 waves, 210 s', () => {
  expect(planRollout({ replicas: 1100, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 60, minReadySeconds: 10 })).toEqual({
    surgePods: 275,
    unavailablePods: 110,
    podsPerWave: 385,
    waves: 3,
    worstCaseSeconds: 210,
  });
});

test('rounds surge up and unavailability down, as Kubernetes does', () => {
  const plan = planRollout({ replicas: 928, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 60, minReadySeconds: 0 });
  expect([plan.surgePods, plan.unavailablePods]).toEqual([232, 92]);
  const small = planRollout({ replicas: 3, maxSurgePercent: 25, maxUnavailablePercent: 25, podStartSeconds: 10, minReadySeconds: 0 });
  expect([small.surgePods, small.unavailablePods, small.waves]).toEqual([1, 0, 3]);
});

test('a zero budget still makes progress one pod at a time (Kubernetes forbids it; never divide by zero)', () => {
  expect(planRollout({ replicas: 5, maxSurgePercent: 0, maxUnavailablePercent: 0, podStartSeconds: 10, minReadySeconds: 0 }).waves).toBe(5);
});

describe('rolloutDeadlineProblem', () => {
  const names = { maxSurgePercent: 'surge', maxUnavailablePercent: 'unavailable', podStartSeconds: 'start' };
  // 100 pods, 10 a wave: 10 waves × (25 s + 5 s) = 300 s.
  const budget = { replicas: 100, maxSurgePercent: 5, maxUnavailablePercent: 5, podStartSeconds: 25, minReadySeconds: 5 };

  test('a rollout that takes exactly the deadline fits', () => {
    expect(planRollout(budget).worstCaseSeconds).toBe(300);
    expect(rolloutDeadlineProblem(budget, 300, names)).toBeUndefined();
  });

  test('fails one second over the deadline, with the arithmetic and the fix in the caller\'s names', () => {
    expect(rolloutDeadlineProblem(budget, 299, names)).toBe(
      'replacing 100 pods takes 10 waves of 10 pods × 30 s = 300 s, over the 299 s rollback target; raise surge (5) or unavailable (5), or lower start (25)',
    );
  });
});

test('the largest pool is half of what one cluster holds, and the reason says why', () => {
  expect(MAX_AGENT_POOL_PODS).toBe(75_000);
  expect(MAX_AGENT_POOL_REASON).toBe(
    'a rollout can hold every replaced agent, still draining, next to its replacement (2 × the pool), and Kubernetes supports at most 150000 pods per cluster',
  );
});
