/**
 * Rolling-update arithmetic. The runbook requires a rollback to complete in under 5 minutes, so
 * the surge and unavailability budgets of a Deployment are sized from its replica count.
 *
 * Kubernetes replaces pods in waves: each wave starts up to maxSurge new pods above the desired
 * count and may take down up to maxUnavailable old ones, so a wave replaces
 * maxSurge + maxUnavailable pods. Kubernetes rounds a percentage maxSurge up and a percentage
 * maxUnavailable down. A new pod counts once it is Ready and has stayed so for minReadySeconds:
 * the pod's start budget (scheduling, image pull, start-up, readiness) plus minReadySeconds, S.
 *
 * The controllers are not instant. Every replaced pod costs the ReplicaSet controller two API
 * requests (the new pod's creation, the old pod's deletion), and its client is rate-limited by
 * the controller-manager's `--kube-api-qps` (Kubernetes' default 20 a second, burst 30). The
 * Deployment controller moves on pod by pod (each new pod that becomes available lets it delete
 * an old one and create the next), so a rollout is a pipeline with two possible bottlenecks:
 *
 *   readiness: waves × S + 2 × podsPerWave ÷ qps  (each wave waits S; the last wave's pods are
 *              created over 2 × podsPerWave ÷ qps, interleaved with the deletions before them)
 *   API rate:  2 × replicas ÷ qps + S             (every pod created and deleted at the rate
 *              limit, plus the first pods' S before any more may go)
 *   rollout  = ceil(max(readiness, API rate))
 *
 * Measured on the live cluster (test/cluster/03-agent-rollout.test.ts, docs/live-cluster.md):
 * 928 agents at qps 20 with S = 16 s take 109 s and 114 s (API-bound: 92.8 + 16 = 108.8 s);
 * at qps 300 with S = 80 s (real speed) 245 s (readiness-bound: 240 + 2.2 = 242.2 s).
 *
 * Old pods drain in the background: terminating pods no longer count as replicas, so a long grace
 * period does not slow the rollout, as long as the nodes have room. They do hold their node's
 * resources until they are gone, and an agent drains for up to its whole grace period (630 s),
 * longer than the rollout: at the end of a rollout the nodes carry the new pool and most of the
 * old one, up to twice the pool. Without that headroom new pods stay Pending and the rollout takes
 * longer than computed here. Measured with kwok's upstream drain: 1 608 agents still terminating
 * and 171 new pods Pending on nodes sized for the pool plus its surge.
 *
 * Example, production agent-worker at its HPA maximum of 1100 pods, 25% surge, 10% unavailable,
 * S = 60 s + 10 s, qps 20: surge = ceil(275) = 275, unavailable = floor(110) = 110, 385 pods a
 * wave, ceil(1100/385) = 3 waves; readiness 3 × 70 s + 2 × 385 ÷ 20 = 248.5 s, API rate
 * 2 × 1100 ÷ 20 + 70 = 180 s: 249 s, inside the 300 s target. A rollback is the same rollout in
 * reverse, so it takes the same time.
 */

/** kube-controller-manager's default `--kube-api-qps`: the rate of each controller's client. */
export const KUBERNETES_CONTROLLER_API_QPS = 20;

/** API requests the ReplicaSet controller makes per replaced pod: one creation, one deletion. */
const REQUESTS_PER_REPLACED_POD = 2;

export interface RolloutBudget {
  /** Pods in the Deployment during the rollout (use the HPA maximum: the worst case). */
  readonly replicas: number;
  readonly maxSurgePercent: number;
  readonly maxUnavailablePercent: number;
  /** Seconds from pod creation to Ready (scheduling, image pull, start-up, readiness probe). */
  readonly podStartSeconds: number;
  readonly minReadySeconds: number;
  /**
   * The cluster's kube-controller-manager `--kube-api-qps` (managed control planes may raise it).
   * @default KUBERNETES_CONTROLLER_API_QPS (20)
   */
  readonly controllerApiQps?: number;
}

export interface RolloutPlan {
  readonly surgePods: number;
  readonly unavailablePods: number;
  readonly podsPerWave: number;
  readonly waves: number;
  /** Seconds the controllers spend creating one wave's pods (and deleting the ones they replace). */
  readonly waveRequestSeconds: number;
  /** The rollout's duration: the slower of its readiness and its API-rate bottleneck, rounded up. */
  readonly worstCaseSeconds: number;
}

/**
 * Why a rolling update with these budgets could never progress, or undefined when it can:
 * Kubernetes rejects maxSurge and maxUnavailable both 0 (no pod could be added or removed).
 * Shared by config validation (stacks/config/cross-field.ts) and HardenedDeployment, like metricWindowProblem.
 */
export function rollingUpdateProblem(maxSurgePercent: number, maxUnavailablePercent: number): string | undefined {
  if (maxSurgePercent !== 0 || maxUnavailablePercent !== 0) return undefined;
  return 'allow some surge or unavailability, or a rollout never progresses';
}

export function planRollout(budget: RolloutBudget): RolloutPlan {
  const surgePods = Math.ceil((budget.replicas * budget.maxSurgePercent) / 100);
  const unavailablePods = Math.floor((budget.replicas * budget.maxUnavailablePercent) / 100);
  // Kubernetes forbids both being zero; a zero-sized wave would never finish.
  const podsPerWave = Math.max(1, surgePods + unavailablePods);
  const waves = Math.ceil(budget.replicas / podsPerWave);
  const secondsPerRequest = 1 / (budget.controllerApiQps ?? KUBERNETES_CONTROLLER_API_QPS);
  const waveSeconds = budget.podStartSeconds + budget.minReadySeconds;
  const waveRequestSeconds = REQUESTS_PER_REPLACED_POD * podsPerWave * secondsPerRequest;
  const readinessBound = waves * waveSeconds + waveRequestSeconds;
  const requestBound = REQUESTS_PER_REPLACED_POD * budget.replicas * secondsPerRequest + waveSeconds;
  return {
    surgePods,
    unavailablePods,
    podsPerWave,
    waves,
    waveRequestSeconds,
    // Rounded up (with a guard against binary fractions such as 248.50000000000003).
    worstCaseSeconds: Math.ceil(Math.max(readinessBound, requestBound) - 1e-9),
  };
}

/**
 * Rollout waves a Deployment may go without progress before Kubernetes marks it failed
 * (`ProgressDeadlineExceeded`, which `kubectl rollout status` and Pulumi's await report).
 *
 * The deadline restarts whenever a new pod becomes available, so it bounds one wave, not the whole
 * rollout (a wave takes podStartSeconds + minReadySeconds, above). One wave can legitimately
 * take several times its budget: when the surge pods do not fit, they wait Pending for the cluster
 * autoscaler to add a node (typically 1-3 minutes on the big clouds) and only then pull and start.
 * Three wave budgets absorb that wait; a rollout that is genuinely stuck (crash-looping image,
 * failing readiness, unschedulable pods) still fails within minutes instead of hanging.
 */
export const PROGRESS_DEADLINE_WAVES = 3;

/** Floor of the progress deadline: two minutes, for workloads with tiny start budgets. */
export const MIN_PROGRESS_DEADLINE_SECONDS = 120;

/**
 * `progressDeadlineSeconds` of a Deployment whose pods take podStartSeconds to become Ready and
 * must then stay Ready for minReadySeconds: {@link PROGRESS_DEADLINE_WAVES} × (podStartSeconds +
 * minReadySeconds), at least {@link MIN_PROGRESS_DEADLINE_SECONDS}.
 */
export function progressDeadlineSeconds(podStartSeconds: number, minReadySeconds: number): number {
  return Math.max(MIN_PROGRESS_DEADLINE_SECONDS, PROGRESS_DEADLINE_WAVES * (podStartSeconds + minReadySeconds));
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
  const qps = budget.controllerApiQps ?? KUBERNETES_CONTROLLER_API_QPS;
  const waveSeconds = budget.podStartSeconds + budget.minReadySeconds;
  const requestBound = REQUESTS_PER_REPLACED_POD * budget.replicas / qps + waveSeconds;
  const over = `= ${plan.worstCaseSeconds} s, over the ${deadlineSeconds} s rollback target`;
  const lowerStart = `lower ${names.podStartSeconds} (${budget.podStartSeconds})`;
  // The API-rate bottleneck is not helped by bigger waves: only a faster controller-manager is.
  if (Math.ceil(requestBound - 1e-9) === plan.worstCaseSeconds) {
    return (
      `replacing ${budget.replicas} pods takes ${REQUESTS_PER_REPLACED_POD} × ${budget.replicas} requests ÷ ${qps} requests/s (the controller-manager's --kube-api-qps) + ${waveSeconds} s ` +
      `${over}; run the cluster's controller-manager with a higher --kube-api-qps, or ${lowerStart}`
    );
  }
  return (
    `replacing ${budget.replicas} pods takes ${plan.waves} waves of ${plan.podsPerWave} pods × ${waveSeconds} s + ${round(plan.waveRequestSeconds)} s to create the last wave at ${qps} requests/s ` +
    `${over}; raise ${names.maxSurgePercent} (${budget.maxSurgePercent}) or ` +
    `${names.maxUnavailablePercent} (${budget.maxUnavailablePercent}), or ${lowerStart}`
  );
}

/** One decimal, for messages. */
function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
