/**
 * A release of the 928-agent pool on the live control plane, and `kubectl rollout undo`: the real
 * Deployment controller replaces the pods under our surge/unavailability budget while simulated
 * pods take `LIVE.podStartSeconds` to become Ready. Measured against the rollout arithmetic
 * (lib/workloads/rollout.ts) at the same pod start time, and the runbook's 5-minute target.
 */
import { KUBERNETES_CONTROLLER_API_QPS, planRollout } from '../../lib/workloads/rollout';
import { THRESHOLDS } from '../../lib/runbook';
import { loadEnvironment } from '../../stacks/environments';
import { deployment, drained, eventually, kube, kubeJson, LIVE, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { watchRollout } from '../support/rollout-watch';
import { agentPoolTiming } from '../../lib/workloads/agent-worker-pool';

const config = loadEnvironment('production');
const ns = namespaceOf('production');
const POOL = config.agentWorker.poolSize;
const worker = agentPoolTiming(config.agentWorker);
const MIN_READY_SECONDS = 10; // the pool's minReadySeconds (read back from the live object below)

/** The arithmetic for this pool at a given start time and controller-manager rate (the live one unless told). */
const plan = (podStartSeconds: number, controllerApiQps: number = LIVE.controllerApiQps) =>
  planRollout({ replicas: POOL, maxSurgePercent: worker.maxSurgePercent, maxUnavailablePercent: worker.maxUnavailablePercent, podStartSeconds, minReadySeconds: MIN_READY_SECONDS, controllerApiQps });

const image = (tag: string) => config.images.agentWorker.replace(/:[^:]+$/, `:${tag}`);

interface Pod {
  metadata: { creationTimestamp: string; deletionTimestamp?: string; labels: Record<string, string> };
  status: { conditions?: Array<{ type: string; status: string; lastTransitionTime: string }> };
}

/**
 * The slowest creation-to-Ready time of the current pods: the arithmetic's podStartSeconds means
 * exactly that (scheduling included), while the harness's LIVE.podStartSeconds starts counting
 * only once kwok sees the pod bound. The difference is the real controllers' and scheduler's
 * latency on this machine.
 */
function slowestPodStartSeconds(): number {
  // The release's own pods only: old ones may still be draining.
  const pods = kubeJson<{ items: Pod[] }>(['pods', '-n', ns, '-l', 'app=agent-worker']).items.filter((p) => !p.metadata.deletionTimestamp);
  return Math.max(
    ...pods.map((p) => {
      const ready = p.status.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
      return ready ? (Date.parse(ready.lastTransitionTime) - Date.parse(p.metadata.creationTimestamp)) / 1000 : 0;
    }),
  );
}

beforeAll(async () => {
  await eventually(`${POOL} agents rolled out`, () => {
    const d = deployment(ns, 'agent-worker');
    return rolledOut(d) && d.spec.replicas === POOL ? true : undefined;
  }, 10 * 60_000, 1000);
  const live = JSON.parse(kube(['get', 'deployment', 'agent-worker', '-n', ns, '-o', 'jsonpath={.spec.minReadySeconds}']));
  expect(live).toBe(MIN_READY_SECONDS);
});

describe(`agent-worker release at ${POOL} agents`, () => {
  const scaled = plan(LIVE.podStartSeconds);
  // Production: real start time, Kubernetes' default controller rate.
  const real = plan(worker.podStartSeconds, KUBERNETES_CONTROLLER_API_QPS);
  const budget = scaled.surgePods + scaled.unavailablePods;

  it.each([
    ['release to a new image', () => kube(['set', 'image', 'deployment/agent-worker', `agent-worker=${image('1.4.3')}`, '-n', ns])],
    ['kubectl rollout undo', () => kube(['rollout', 'undo', 'deployment/agent-worker', '-n', ns])],
  ])('%s completes within the rollout arithmetic, never below the unavailability budget', async (what, act) => {
    await drained(ns, 'agent-worker'); // draining agents still hold node capacity
    const t0 = Date.now();
    act();
    const obs = await watchRollout(ns, 'agent-worker', { timeoutMs: 10 * 60_000, startedAt: t0 });
    expect(obs.complete).toBe(true);
    expect(obs.minAvailable).toBeGreaterThanOrEqual(POOL - scaled.unavailablePods);
    expect(obs.maxPods).toBeLessThanOrEqual(POOL + scaled.surgePods);
    // Timestamps have 1 s resolution: round up so the bound never under-counts a start.
    const effectiveStart = Math.ceil(slowestPodStartSeconds()) + 1;
    const effective = plan(effectiveStart);
    report(`agent-worker ${what}`, {
      measuredSeconds: Number(obs.seconds.toFixed(1)),
      computedSeconds: effective.worstCaseSeconds,
      ratio: Number((obs.seconds / effective.worstCaseSeconds).toFixed(2)),
      measuredPodStartSeconds: effectiveStart,
      computedAtHarnessStartSeconds: scaled.worstCaseSeconds,
      harnessPodStartSeconds: LIVE.podStartSeconds,
      timeScale: LIVE.timeScale,
      controllerApiQps: LIVE.controllerApiQps,
      computedAtRealStartSeconds: real.worstCaseSeconds,
      runbookTargetSeconds: THRESHOLDS.rollbackSeconds,
      waves: scaled.waves,
      podsPerWave: budget,
      minAvailable: obs.minAvailable,
      maxPods: obs.maxPods,
    });
    // The time against the arithmetic (at the live controller-manager's rate) is reported as a
    // ratio, not asserted: wall-clock figures are not test assertions here, and a busy machine
    // adds its own seconds (docs/live-cluster.md, "Runs at real speed").
    expect(real.worstCaseSeconds).toBeLessThanOrEqual(THRESHOLDS.rollbackSeconds);
  });
});
