/**
 * Watches a live Deployment through a rollout: how long until it is complete (what
 * `kubectl rollout status` waits for), the fewest available and the most existing pods on the
 * way, sampled every `everyMs`.
 */
import { sleep } from '../../scripts/cluster/processes';
import { deployment, DeploymentStatus, rolledOut } from './live-cluster';

export interface RolloutObservation {
  readonly seconds: number;
  readonly complete: boolean;
  readonly minAvailable: number;
  readonly maxPods: number;
  readonly last: DeploymentStatus;
}

export async function watchRollout(ns: string, name: string, opts: { timeoutMs: number; everyMs?: number; startedAt?: number; until?: (d: DeploymentStatus) => boolean }): Promise<RolloutObservation> {
  const t0 = opts.startedAt ?? Date.now();
  const done = opts.until ?? rolledOut;
  let minAvailable = Number.POSITIVE_INFINITY;
  let maxPods = 0;
  for (;;) {
    const d = deployment(ns, name);
    minAvailable = Math.min(minAvailable, d.status.availableReplicas ?? 0);
    maxPods = Math.max(maxPods, d.status.replicas ?? 0);
    const elapsed = Date.now() - t0;
    // Only a status for the new generation counts: right after a change, the old status is complete.
    if ((d.status.observedGeneration ?? 0) >= d.metadata.generation && done(d)) {
      return { seconds: elapsed / 1000, complete: true, minAvailable, maxPods, last: d };
    }
    if (elapsed > opts.timeoutMs) return { seconds: elapsed / 1000, complete: false, minAvailable, maxPods, last: d };
    await sleep(opts.everyMs ?? 500);
  }
}
