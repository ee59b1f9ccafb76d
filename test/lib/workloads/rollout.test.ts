import { planRollout } from '../../../lib/workloads/rollout';

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
