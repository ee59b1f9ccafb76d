/**
 * The await every Deployment of the Pulumi program carries (`pulumi.com/waitFor` =
 * ROLLOUT_COMPLETE, pulumi/rollout-complete.ts), judged by the Kubernetes provider's own code
 * (waitfor-check, built with the provider: tools/pulumi-kubernetes/waitfor-check) on the states a
 * real Deployment controller writes during real rollouts: the object the patch returned seeds the
 * condition, then the object from before the patch (what a shared informer's cache can replay)
 * and every state sampled until the rollout is complete are observed in order. Up must return
 * only once a state is complete as `kubectl rollout status` sees it, never on an earlier one.
 */
import { spawnSync } from 'node:child_process';
import { binary } from '../../scripts/cluster/tools';
import { ROLLOUT_COMPLETE } from '../../pulumi/rollout-complete';
import { WAIT_FOR_ANNOTATION } from '../../pulumi/resource-plan';
import { DeploymentStatus, eventually, kube, kubeJsonAsync, kubeResult, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { needsTools } from '../support/suite-tools';

needsTools('pulumi-kubernetes');

const ns = 'waitfor-probe';
const name = 'probe';
const REPLICAS = 40;
const image = (tag: string) => `registry.example/probe:${tag}`;
const progressing = (d: DeploymentStatus) => d.status.conditions?.find((c) => c.type === 'Progressing')?.reason;

interface Replay {
  readonly name: string;
  readonly seed: DeploymentStatus;
  readonly events: readonly DeploymentStatus[];
}

/** The provider's verdict on each replay: after how many events Satisfied() first held (-1: never). */
function judge(replays: readonly Replay[]): Record<string, { custom: boolean; satisfiedAfter: number; error?: string }> {
  const res = spawnSync(binary('waitfor-check'), { input: JSON.stringify(replays), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`waitfor-check exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

/** Applies `change` and samples the Deployment as fast as kubectl answers until its rollout is complete (and twice more). */
async function release(change: readonly string[]): Promise<{ replay: Omit<Replay, 'name'>; seconds: number; firstCompleteAt: number; staleProgressing: number }> {
  const before = (await kubeJsonAsync<DeploymentStatus>(['deployment', name, '-n', ns]))!;
  const t0 = Date.now();
  const patched = await kubeResult([...change, '-n', ns, '-o', 'json']);
  expect(patched.stderr).toBe('');
  const events: DeploymentStatus[] = [before];
  let after = 0;
  let firstCompleteAt = -1;
  while (after < 3 && Date.now() - t0 < 5 * 60_000) {
    const d = (await kubeJsonAsync<DeploymentStatus>(['deployment', name, '-n', ns]))!;
    events.push(d);
    if (rolledOut(d)) {
      if (firstCompleteAt < 0) firstCompleteAt = events.length;
      after++;
    }
  }
  // States the controller wrote for the new generation that still say NewReplicaSetAvailable
  // before the rollout is complete: why that condition alone would not do.
  const staleProgressing = events.filter((d) => d.status.observedGeneration === d.metadata.generation && !rolledOut(d) && progressing(d) === 'NewReplicaSetAvailable').length;
  return { replay: { seed: JSON.parse(patched.stdout), events }, seconds: (Date.now() - t0) / 1000, firstCompleteAt, staleProgressing };
}

beforeAll(async () => {
  kube(['create', 'namespace', ns]);
  kube(['apply', '--server-side', '-f', '-'], JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, annotations: { [WAIT_FOR_ANNOTATION]: ROLLOUT_COMPLETE } },
    spec: {
      replicas: REPLICAS,
      minReadySeconds: 2,
      selector: { matchLabels: { app: name } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: image('1') }] } },
    },
  }));
  await complete('probe rolled out');
});

afterAll(() => {
  kube(['delete', 'namespace', ns, '--wait=false']);
});

const complete = (what: string) =>
  eventually(what, async () => {
    const d = await kubeJsonAsync<DeploymentStatus>(['deployment', name, '-n', ns]);
    return d && rolledOut(d) ? true : undefined;
  }, 3 * 60_000, 500);

const setImage = (tag: string) => ['set', 'image', `deployment/${name}`, `${name}=${image(tag)}`];

it('is satisfied by the first complete state of each release, never earlier: new template, back to an existing ReplicaSet, a Deployment at zero replicas', async () => {
  const fresh = await release(setImage('2'));
  const back = await release(setImage('1'));
  kube(['scale', `deployment/${name}`, '-n', ns, '--replicas=0']);
  await complete('probe at zero replicas');
  const zero = await release(setImage('3'));
  const runs = { fresh, back, zero };
  const verdicts = judge(Object.entries(runs).map(([n, r]) => ({ name: n, ...r.replay })));
  for (const [n, r] of Object.entries(runs)) {
    const v = verdicts[n]!;
    expect({ n, custom: v.custom, error: v.error }).toEqual({ n, custom: true, error: undefined });
    // The seed (the patch's answer) and the pre-patch object (events[0], complete but an older
    // generation) never satisfy; the first satisfying state is the first complete one.
    expect({ n, satisfiedAfter: v.satisfiedAfter }).toEqual({ n, satisfiedAfter: r.firstCompleteAt });
    const satisfying = r.replay.events[v.satisfiedAfter - 1]!;
    expect(satisfying.metadata.generation).toBe(r.replay.seed.metadata.generation);
    expect(satisfying.spec.template.spec.containers[0]!.image).toBe(r.replay.seed.spec.template.spec.containers[0]!.image);
  }
  report('pulumi.com/waitFor judged by the provider on live rollouts', Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, {
    states: r.replay.events.length,
    satisfiedAfter: verdicts[n]!.satisfiedAfter,
    rolloutSeconds: Number(r.seconds.toFixed(1)),
    statesSayingNewReplicaSetAvailableBeforeComplete: r.staleProgressing,
  }])));
});
