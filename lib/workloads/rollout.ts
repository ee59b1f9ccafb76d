/**
 * Rolling-update arithmetic. The runbook requires a rollback to complete in under 5 minutes, so
 * the surge and unavailability budgets of a Deployment are sized from its replica count.
 *
 * Kubernetes replaces pods in waves: each wave starts up to maxSurge new pods above the desired
 * count and may take down up to maxUnavailable old ones, so a wave replaces
 * maxSurge + maxUnavailable pods. Kubernetes rounds a percentage maxSurge up and a percentage
 * maxUnavailable down. A wave ends when its new pods are Ready and have stayed so for
 * minReadySeconds, so its duration is bounded by the pod's start budget (scheduling, image pull,
 * start-up, readiness) plus minReadySeconds. Old pods drain in the background: terminating pods
 * no longer count as replicas, so a long grace period does not slow the rollout, as long as the
 * nodes have room. They do hold their node's resources until they are gone, and an agent drains
 * for up to its whole grace period (630 s), longer than the rollout: at the end of a rollout the
 * nodes carry the new pool and most of the old one, up to twice the pool. Without that headroom
 * new pods stay Pending and the rollout takes longer than the bound below. Measured on the live
 * cluster with kwok's upstream drain (test/cluster/03-agent-rollout.test.ts): 1 608 agents still
 * terminating and 171 new pods Pending on nodes sized for the pool plus its surge.
 *
 *   worst case = ceil(replicas / (surge + unavailable)) waves × (start budget + minReadySeconds)
 *
 * Example, production agent-worker at its HPA maximum of 1100 pods, 25% surge, 10% unavailable:
 * surge = ceil(275) = 275, unavailable = floor(110) = 110, 385 pods a wave, ceil(1100/385) = 3
 * waves × (60 s + 10 s) = 210 s, inside the 300 s target. A rollback is the same rollout in
 * reverse, so it has the same bound.
 */
export interface RolloutBudget {
  /** Pods in the Deployment during the rollout (use the HPA maximum: the worst case). */
  readonly replicas: number;
  readonly maxSurgePercent: number;
  readonly maxUnavailablePercent: number;
  /** Seconds from pod creation to Ready (scheduling, image pull, start-up, readiness probe). */
  readonly podStartSeconds: number;
  readonly minReadySeconds: number;
}

export interface RolloutPlan {
  readonly surgePods: number;
  readonly unavailablePods: number;
  readonly podsPerWave: number;
  readonly waves: number;
  readonly worstCaseSeconds: number;
}

export function planRollout(budget: RolloutBudget): RolloutPlan {
  const surgePods = Math.ceil((budget.replicas * budget.maxSurgePercent) / 100);
  const unavailablePods = Math.floor((budget.replicas * budget.maxUnavailablePercent) / 100);
  // Kubernetes forbids both being zero; a zero-sized wave would never finish.
  const podsPerWave = Math.max(1, surgePods + unavailablePods);
  const waves = Math.ceil(budget.replicas / podsPerWave);
  return {
    surgePods,
    unavailablePods,
    podsPerWave,
    waves,
    worstCaseSeconds: waves * (budget.podStartSeconds + budget.minReadySeconds),
  };
}

/** Pods Kubernetes supports in one cluster ("Considerations for large clusters": 150,000). */
export const KUBERNETES_MAX_PODS_PER_CLUSTER = 150_000;

/**
 * Most agents a pool may scale to. During a rollout every replaced agent may still be draining
 * (up to its longest task) next to its replacement, so the pool briefly holds twice its pods; that
 * must fit in one cluster's pod limit.
 */
export const MAX_AGENT_POOL_PODS = KUBERNETES_MAX_PODS_PER_CLUSTER / 2;

/** Why {@link MAX_AGENT_POOL_PODS}, for error messages. */
export const MAX_AGENT_POOL_REASON =
  `a rollout can hold every replaced agent, still draining, next to its replacement (2 × the pool), and Kubernetes supports at most ${KUBERNETES_MAX_PODS_PER_CLUSTER} pods per cluster`;

/** Names of the rollout inputs in the caller's terms (construct props or config fields). */
export interface RolloutFieldNames {
  readonly maxSurgePercent: string;
  readonly maxUnavailablePercent: string;
  readonly podStartSeconds: string;
}

/**
 * The problem with a rollout that cannot replace `budget.replicas` pods within `deadlineSeconds`,
 * with the fix in the caller's field names; undefined when it fits.
 */
export function rolloutDeadlineProblem(budget: RolloutBudget, deadlineSeconds: number, names: RolloutFieldNames): string | undefined {
  const plan = planRollout(budget);
  if (plan.worstCaseSeconds <= deadlineSeconds) return undefined;
  return (
    `replacing ${budget.replicas} pods takes ${plan.waves} waves of ${plan.podsPerWave} pods × ${budget.podStartSeconds + budget.minReadySeconds} s = ` +
    `${plan.worstCaseSeconds} s, over the ${deadlineSeconds} s rollback target; raise ${names.maxSurgePercent} (${budget.maxSurgePercent}) or ` +
    `${names.maxUnavailablePercent} (${budget.maxUnavailablePercent}), or lower ${names.podStartSeconds} (${budget.podStartSeconds})`
  );
}
