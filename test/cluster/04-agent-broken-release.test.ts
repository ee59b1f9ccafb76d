/**
 * A broken agent-worker release on the live control plane: the new pods run but never pass
 * readiness (kwok stage pod-running-not-ready for LIVE.neverReadyAgentImage). What the real
 * Deployment controller does with it, how many agents keep serving, when the progress deadline
 * declares the rollout failed, and the runbook's way back (`kubectl rollout undo`), executed.
 */
import { planRollout } from '../../lib/workloads/rollout';
import { loadEnvironment } from '../../stacks/environments';
import { deployment, DeploymentStatus, drained, eventually, kube, LIVE, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { runbookCommand } from '../support/runbook-commands';
import { watchRollout } from '../support/rollout-watch';
import { agentPoolTiming } from '../../lib/workloads/agent-worker-pool';

const config = loadEnvironment('production');
const ns = namespaceOf('production');
const POOL = config.agentWorker.poolSize;
const w = agentPoolTiming(config.agentWorker);
const budget = planRollout({ replicas: POOL, maxSurgePercent: w.maxSurgePercent, maxUnavailablePercent: w.maxUnavailablePercent, podStartSeconds: w.podStartSeconds, minReadySeconds: 10 });

const progressing = (d: DeploymentStatus) => d.status.conditions?.find((c) => c.type === 'Progressing');

beforeAll(async () => {
  await eventually('agent-worker rolled out', () => (rolledOut(deployment(ns, 'agent-worker')) ? true : undefined), 10 * 60_000, 1000);
  await drained(ns, 'agent-worker');
});

describe('a broken agent-worker release (pods never Ready)', () => {
  const goodImage = () => deployment(ns, 'agent-worker').spec.template.spec.containers[0].image;
  let previous = '';
  let releasedAt = 0;
  let deadlineSeconds = 0;

  it('keeps every agent of the old release beyond the unavailability budget serving, and fails at the progress deadline', async () => {
    previous = goodImage();
    deadlineSeconds = Number(kube(['get', 'deployment', 'agent-worker', '-n', ns, '-o', 'jsonpath={.spec.progressDeadlineSeconds}']));
    releasedAt = Date.now();
    kube(['set', 'image', 'deployment/agent-worker', `agent-worker=${LIVE.neverReadyAgentImage}`, '-n', ns]);
    const obs = await watchRollout(ns, 'agent-worker', {
      timeoutMs: (deadlineSeconds + 120) * 1000,
      startedAt: releasedAt,
      until: (d) => progressing(d)?.reason === 'ProgressDeadlineExceeded',
    });
    expect(obs.complete).toBe(true);
    const d = obs.last;
    // The controller stops at the budget: surge pods that never become available, old pods
    // taken down only as far as maxUnavailable allows.
    expect(d.status.updatedReplicas).toBe(budget.surgePods + budget.unavailablePods);
    expect(d.status.availableReplicas).toBe(POOL - budget.unavailablePods);
    expect(obs.minAvailable).toBe(POOL - budget.unavailablePods);
    expect(progressing(d)).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    // It fails no earlier than the deadline, and within one controller resync after it.
    expect(obs.seconds).toBeGreaterThanOrEqual(deadlineSeconds);
    const unavailablePercent = (100 * (POOL - (d.status.availableReplicas ?? 0))) / POOL;
    report('agent-worker broken release', {
      progressDeadlineSeconds: deadlineSeconds,
      secondsToProgressDeadlineExceeded: Number(obs.seconds.toFixed(1)),
      availableAgents: d.status.availableReplicas,
      updatedNeverReady: d.status.updatedReplicas,
      unavailablePercent: Number(unavailablePercent.toFixed(2)),
      agentPoolDegradedAbovePercent: config.thresholds.unhealthyAgentsPercent,
    });
    // 10 % of the pool is down while the release is stuck: above AgentPoolDegraded's 5 % (P2,
    // once the agent-manager reports them unhealthy for 5 minutes), below AgentPoolCritical's 10 %.
    expect(unavailablePercent).toBeGreaterThan(config.thresholds.unhealthyAgentsPercent);
    expect(unavailablePercent).toBeLessThan(10);
  });

  it('the runbook\'s way back (`kubectl rollout undo deployment/agent-worker`) restores the pool', async () => {
    const t0 = Date.now();
    kube(runbookCommand(`kubectl rollout undo deployment/agent-worker -n ${ns}`));
    const obs = await watchRollout(ns, 'agent-worker', { timeoutMs: 10 * 60_000, startedAt: t0 });
    expect(obs.complete).toBe(true);
    expect(goodImage()).toBe(previous);
    expect(obs.last.status.availableReplicas).toBe(POOL);
    expect(progressing(obs.last)).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(kube(runbookCommand(`kubectl rollout status deployment/agent-worker -n ${ns}`))).toMatch(/successfully rolled out/);
    report('agent-worker broken release undone', {
      secondsToRecovered: Number(obs.seconds.toFixed(1)),
      secondsFromBadReleaseToRecovered: Number(((Date.now() - releasedAt) / 1000).toFixed(1)),
    });
  });
});
