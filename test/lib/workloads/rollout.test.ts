import { KUBERNETES_CONTROLLER_API_QPS, MAX_AGENT_POOL_PODS, MAX_AGENT_POOL_REASON, planRollout, rolloutDeadlineProblem } from '../../../lib/workloads/rollout';

test('production agent pool at its HPA maximum replaces 1100 pods in 3 waves: 3 × 70 s + 2 × 385 ÷ 20 s = 249 s', () => {
  expect(planRollout({ replicas: 1100, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 60, minReadySeconds: 10 })).toEqual({
    surgePods: 275,
    unavailablePods: 110,
    podsPerWave: 385,
    waves: 3,
    waveRequestSeconds: 38.5,
    worstCaseSeconds: 249,
  });
});

test("the controller-manager's rate defaults to Kubernetes' --kube-api-qps (20)", () => {
  const budget = { replicas: 1100, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 60, minReadySeconds: 10 };
  expect(KUBERNETES_CONTROLLER_API_QPS).toBe(20);
  expect(planRollout({ ...budget, controllerApiQps: 20 })).toEqual(planRollout(budget));
});

// The live cluster's measurements (docs/live-cluster.md), one for each bottleneck.
test('API-bound: 928 agents starting in 16 s at 20 requests/s take 2 × 928 ÷ 20 + 16 = 109 s (measured 109 s and 114 s)', () => {
  const plan = planRollout({ replicas: 928, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 6, minReadySeconds: 10, controllerApiQps: 20 });
  expect([plan.waves, plan.podsPerWave, plan.worstCaseSeconds]).toEqual([3, 324, 109]);
});

test('readiness-bound: 928 agents starting in 80 s at 300 requests/s take 3 × 80 + 2 × 324 ÷ 300 = 243 s (measured 245 s)', () => {
  const plan = planRollout({ replicas: 928, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 70, minReadySeconds: 10, controllerApiQps: 300 });
  expect(plan.worstCaseSeconds).toBe(243);
});

test('a faster controller-manager only shortens the requests: never below the waves (3 × 70 s), rounded up', () => {
  const at = (controllerApiQps: number) => planRollout({ replicas: 1100, maxSurgePercent: 25, maxUnavailablePercent: 10, podStartSeconds: 60, minReadySeconds: 10, controllerApiQps }).worstCaseSeconds;
  expect([at(1), at(20), at(1_000_000)]).toEqual([2270, 249, 211]);
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
  // 100 pods, 10 a wave: 10 waves × (25 s + 5 s) + 2 × 10 ÷ 20 s = 301 s.
  const budget = { replicas: 100, maxSurgePercent: 5, maxUnavailablePercent: 5, podStartSeconds: 25, minReadySeconds: 5 };

  test('a rollout that takes exactly the deadline fits', () => {
    expect(planRollout(budget).worstCaseSeconds).toBe(301);
    expect(rolloutDeadlineProblem(budget, 301, names)).toBeUndefined();
  });

  test('fails one second over the deadline, with the arithmetic and the fix in the caller\'s names', () => {
    expect(rolloutDeadlineProblem(budget, 300, names)).toBe(
      'replacing 100 pods takes 10 waves of 10 pods × 30 s + 1 s to create the last wave at 20 requests/s = 301 s, over the 300 s rollback target; raise surge (5) or unavailable (5), or lower start (25)',
    );
  });

  test('an API-bound rollout names the controller-manager rate as the fix, not bigger waves', () => {
    const slowApi = { replicas: 1000, maxSurgePercent: 50, maxUnavailablePercent: 50, podStartSeconds: 5, minReadySeconds: 5, controllerApiQps: 5 };
    expect(rolloutDeadlineProblem(slowApi, 300, names)).toBe(
      "replacing 1000 pods takes 2 × 1000 requests ÷ 5 requests/s (the controller-manager's --kube-api-qps) + 10 s = 410 s, over the 300 s rollback target; run the cluster's controller-manager with a higher --kube-api-qps, or lower start (5)",
    );
  });
});

test('the largest pool is half of what one cluster holds, and the reason says why', () => {
  expect(MAX_AGENT_POOL_PODS).toBe(75_000);
  expect(MAX_AGENT_POOL_REASON).toBe(
    'a rollout can hold every replaced agent, still draining, next to its replacement (2 × the pool), and Kubernetes supports at most 150000 pods per cluster',
  );
});
