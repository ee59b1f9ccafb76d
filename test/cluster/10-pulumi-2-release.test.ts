/**
 * Releases of the production stack through `pulumi up`, on the stack 10-pulumi-1 deployed: a good
 * one (imageTag), timed against the moment the rollout completes, and a broken one (the agent
 * image never becomes Ready: the cluster's kwok stage for LIVE.neverReadyAgentImage): when and
 * how `pulumi up` fails, what state the pool is left in, and the recovery docs/pulumi.md
 * documents ("A broken release"), run until the stack is healthy again.
 */
import { planRollout } from '../../lib/workloads/rollout';
import { loadEnvironment } from '../../stacks/environments';
import { sleep } from '../../scripts/cluster/processes';
import { publishIngressStatus } from '../support/ingress-status';
import { deployment, DeploymentStatus, drained, ENVIRONMENTS, eventually, LIVE, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { docCommand, docCommands, forStack } from '../support/pulumi-doc';
import { PulumiOperator } from '../support/pulumi-operator';
import { deployedState, expectedUrn, previewSummary, stackPlans, upCommand } from '../support/pulumi-stack';
import * as path from 'node:path';
import { agentPoolTiming } from '../../lib/workloads/agent-worker-pool';
import { needsTools } from '../support/suite-tools';

needsTools('pulumi', 'pulumi-kubernetes');

const env = 'production';
const config = loadEnvironment(env);
const ns = namespaceOf(env);
const POOL = config.agentWorker.poolSize;
const w = agentPoolTiming(config.agentWorker);
const budget = planRollout({ replicas: POOL, maxSurgePercent: w.maxSurgePercent, maxUnavailablePercent: w.maxUnavailablePercent, podStartSeconds: w.podStartSeconds, minReadySeconds: 10 });
const DEPLOYMENTS = ['agent-manager', 'agent-worker', 'orchestrator'];
const op = PulumiOperator.shared();
let stopIngressStatus: () => Promise<void> = async () => undefined;

const image = (d: DeploymentStatus) => d.spec.template.spec.containers[0]!.image;
const progressing = (d: DeploymentStatus) => d.status.conditions?.find((c) => c.type === 'Progressing');

/** Samples the Deployments every 500 ms while `run` runs: when each first reached `done`. */
async function sampling<T>(run: Promise<T>, started: number, done: (name: string, d: DeploymentStatus) => boolean): Promise<{ result: T; reached: Record<string, number> }> {
  const reached: Record<string, number> = {};
  let running = true;
  const sampler = (async () => {
    while (running) {
      for (const name of DEPLOYMENTS) {
        if (reached[name] === undefined && done(name, deployment(ns, name))) reached[name] = (Date.now() - started) / 1000;
      }
      await sleep(500);
    }
  })();
  const result = await run;
  running = false;
  await sampler;
  return { result, reached };
}

beforeAll(async () => {
  stopIngressStatus = publishIngressStatus(ENVIRONMENTS.map(namespaceOf));
  for (const name of DEPLOYMENTS) {
    await eventually(`${name} rolled out`, () => (rolledOut(deployment(ns, name)) ? true : undefined), 10 * 60_000, 1000);
    await drained(ns, name);
  }
});

afterAll(async () => {
  await stopIngressStatus();
});

describe('a release through pulumi up', () => {
  it('imageTag 1.4.4: every Deployment rolls out; up returns once every rollout is complete, as kubectl rollout status sees it', async () => {
    const tag = '1.4.4';
    await op.must(forStack(docCommand('What a deploy pipeline runs', /^pulumi config set .*:imageTag /), env, { 'release tag': tag }));
    const started = Date.now();
    const { result: up, reached } = await sampling(op.run(upCommand(env)), started, (_, d) => image(d).endsWith(`:${tag}`) && rolledOut(d));
    // Read at once: each Deployment's await is its rollout being complete (pulumi.com/waitFor,
    // pulumi/rollout-complete.ts), so every one must be complete the moment up returns. The
    // provider's own await once returned the agent-worker after 2 s with 442 of 928 agents
    // replaced (docs/pulumi.md "Up returns when the rollout is complete").
    const atReturn = Object.fromEntries(DEPLOYMENTS.map((n) => [n, deployment(ns, n)]));
    expect({ code: up.code, output: up.code === 0 ? '' : up.stdout + up.stderr }).toEqual({ code: 0, output: '' });
    expect(previewSummary(up.stdout)).toEqual({ updated: DEPLOYMENTS.length, unchanged: stackPlans(env).length + 3 - DEPLOYMENTS.length });
    for (const name of DEPLOYMENTS) {
      const d = atReturn[name]!;
      expect({ name, image: image(d).endsWith(`:${tag}`), rolledOut: rolledOut(d), updated: d.status.updatedReplicas, available: d.status.availableReplicas }).toEqual({ name, image: true, rolledOut: true, updated: d.spec.replicas, available: d.spec.replicas });
    }
    expect(atReturn['agent-worker']!.spec.replicas).toBe(POOL);
    report('pulumi production release', {
      agents: POOL,
      upSeconds: up.seconds,
      rolloutCompleteSeconds: Object.fromEntries(DEPLOYMENTS.map((n) => [n, reached[n]])),
      podStartSeconds: LIVE.podStartSeconds,
    });
  });

  let failedAt = 0;
  it('a broken agent release: up fails when the Deployment reports ProgressDeadlineExceeded, the pool stays at its unavailability budget', async () => {
    await Promise.all(DEPLOYMENTS.map((n) => drained(ns, n)));
    const good = image(deployment(ns, 'agent-worker'));
    // The release: one image pinned by its own key (docs/pulumi.md "Config"), one that never becomes Ready.
    await op.must(`pulumi config set --stack ${env} agentaskit-deploy:agentWorkerImage ${LIVE.neverReadyAgentImage}`);
    const deadline = deployment(ns, 'agent-worker') as DeploymentStatus & { spec: { progressDeadlineSeconds?: number } };
    // The same up, with the worker's progress deadline and await timeout on the cluster's time
    // scale (fixtures/time-scaled.js), so that the whole timeline is scaled, not only the pods'.
    const checkout = op.overrideCheckout('time-scaled', path.join(__dirname, 'fixtures', 'time-scaled.js'));
    const awaitTimeout = stackPlans(env).find((p) => p.key === `Deployment/${ns}/agent-worker`)!.await!.timeoutSeconds;
    const scaledTimeout = Math.ceil(awaitTimeout / LIVE.timeScale);
    const started = Date.now();
    const { result: up, reached } = await sampling(op.run(upCommand(env), { cwd: checkout, env: { AGENTASKIT_LIVE_TIME_SCALE: String(LIVE.timeScale) } }), started, (name, d) => name === 'agent-worker' && progressing(d)?.reason === 'ProgressDeadlineExceeded');
    failedAt = up.seconds;
    expect(up.code).not.toBe(0);
    const output = up.stdout + up.stderr;
    const d = deployment(ns, 'agent-worker');
    // The pool: surge pods that never become available, old pods down only as far as maxUnavailable allows.
    expect(d.status.updatedReplicas).toBe(budget.surgePods + budget.unavailablePods);
    expect(d.status.availableReplicas).toBe(POOL - budget.unavailablePods);
    expect(progressing(d)).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(image(d)).toBe(LIVE.neverReadyAgentImage);
    const state = await deployedState(op, env);
    const worker = state.get(expectedUrn(env, stackPlans(env).find((p) => p.key === `Deployment/${ns}/agent-worker`)!))!;
    const errorLines = output.split('\n').filter((l) => /error|ProgressDeadlineExceeded|failed|timed out/i.test(l)).slice(0, 12);
    const scaledDeadline = (d.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds;
    expect(scaledDeadline).toBe(Math.ceil(deadline.spec.progressDeadlineSeconds! / LIVE.timeScale));
    report('pulumi production broken release', {
      timeScale: LIVE.timeScale,
      progressDeadlineSeconds: { real: (deadline.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds, scaled: scaledDeadline },
      awaitTimeoutSeconds: { real: awaitTimeout, scaled: scaledTimeout },
      deploymentProgressDeadlineExceededAtSeconds: reached['agent-worker'],
      upFailedAfterSeconds: up.seconds,
      availableAgents: d.status.availableReplicas,
      updatedNeverReady: d.status.updatedReplicas,
      stateInputsImage: (worker.inputs as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers[0]!.image,
      stateInitErrors: worker.initErrors?.length ?? 0,
      errorLines,
    });
    expect(reached['agent-worker']).toBeDefined();
    expect(output).toContain('ProgressDeadlineExceeded');
    // up fails at the await timeout (not at the progress deadline, which only marks the Deployment).
    expect(up.seconds).toBeGreaterThanOrEqual(scaledTimeout);
    expect(reached['agent-worker']!).toBeLessThan(scaledTimeout);
    expect(good).not.toBe(LIVE.neverReadyAgentImage);
  });

  it('the documented recovery (revert the config, pulumi up) makes the stack healthy again', async () => {
    const started = Date.now();
    const steps = docCommands('A broken release').filter((c) => /^pulumi (config rm|up) /.test(c));
    expect(steps.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['pulumi config', 'pulumi up']);
    let up = { seconds: 0, stdout: '' };
    for (const step of steps) up = await op.must(forStack(step, env));
    const d = deployment(ns, 'agent-worker');
    expect(rolledOut(d)).toBe(true);
    expect(image(d)).toMatch(/:1\.4\.4$/);
    expect(d.status.availableReplicas).toBe(POOL);
    expect(progressing(d)).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const again = await op.must(forStack(docCommand('Preview and apply', /^pulumi preview .*--diff/), env));
    expect(previewSummary(again.stdout)).toEqual({ unchanged: stackPlans(env).length + 3 });
    report('pulumi production broken release recovered', {
      recoveryUpSeconds: up.seconds,
      secondsFromRecoveryStartToHealthy: Number(((Date.now() - started) / 1000).toFixed(1)),
      secondsFromBrokenUpFailedToHealthy: Number(((Date.now() - started) / 1000 + 0).toFixed(1)),
      brokenUpFailedAfterSeconds: failedAt,
    });
  });
});
