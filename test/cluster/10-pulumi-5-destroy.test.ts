/**
 * `pulumi destroy` of every stack the Pulumi suites deployed, as docs/pulumi.md "Removing a stack"
 * says: every object of the stack is gone, cluster-scoped ones included, and nothing of ours is
 * left in the cluster (no namespace, no pod, no PriorityClass, no object carrying our labels).
 * Last of the Pulumi suites: it removes the shared workspace (state, passphrase, checkout) too.
 */
import { kubectlSync } from '../../scripts/cluster/kubectl';
import { EnvironmentName } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { cluster, ENVIRONMENTS, namespaceOf } from '../support/live-cluster';
import { report } from '../support/live-report';
import { docCommands, forStack } from '../support/pulumi-doc';
import { PulumiOperator } from '../support/pulumi-operator';
import { liveObjectsOf, previewSummary, stackPlans } from '../support/pulumi-stack';
import { needsTools } from '../support/suite-tools';

needsTools('pulumi', 'pulumi-kubernetes');

const op = PulumiOperator.shared();

afterAll(() => op.dispose());

/** Every object in the cluster, of every listable kind, that carries the package's part-of label. */
function labelled(): string[] {
  const kinds = kubectlSync(cluster().kubeconfig, ['api-resources', '--verbs=list', '-o', 'name']).stdout.trim().split('\n').filter((k) => k !== 'events' && k !== 'events.events.k8s.io');
  const res = kubectlSync(cluster().kubeconfig, ['get', kinds.join(','), '--all-namespaces', '-l', 'app.kubernetes.io/part-of=agentaskit', '-o', 'name'], { timeoutMs: 300_000 });
  if (res.code !== 0) throw new Error(`kubectl get <every kind> -l app.kubernetes.io/part-of=agentaskit: ${res.stderr}`);
  return res.stdout.trim().split('\n').filter((l) => l !== '');
}

/** docs/pulumi.md "Removing a stack", typed for one stack; then nothing of the stack is left. */
async function removeStack(env: EnvironmentName): Promise<Record<string, unknown>> {
  const ns = loadEnvironment(env).namespace;
  expect(liveObjectsOf(env).length).toBe(stackPlans(env).length);
  const steps = docCommands('Removing a stack').filter((c) => c.startsWith('pulumi '));
  let destroySeconds = 0;
  for (const step of steps) {
    const res = await op.must(forStack(step, env));
    if (/^pulumi destroy /.test(step)) {
      destroySeconds = res.seconds;
      expect({ env, summary: previewSummary(res.stdout) }).toEqual({ env, summary: { deleted: stackPlans(env).length + 3 } });
    }
  }
  expect({ env, left: liveObjectsOf(env) }).toEqual({ env, left: [] });
  const namespace = kubectlSync(cluster().kubeconfig, ['get', 'namespace', namespaceOf(env), '--ignore-not-found', '-o', 'name']);
  expect({ env, namespace: namespace.stdout.trim() }).toEqual({ env, namespace: '' });
  expect({ env, pods: kubectlSync(cluster().kubeconfig, ['get', 'pods', '-n', ns, '-o', 'name']).stdout.trim() }).toEqual({ env, pods: '' });
  expect((await op.run(`pulumi stack ls`)).stdout).not.toMatch(new RegExp(`^${env}\\b`, 'm'));
  return { destroySeconds, objects: stackPlans(env).length };
}

// The stacks are independent (one namespace each, their own locks in the backend), so they are
// removed at once, as three pipelines would: the suite waits for the slowest, not for the sum.
it('pulumi destroy removes every object of each stack (the three at once), and nothing of a stack is left in the cluster', async () => {
  const started = Date.now();
  const figures = await Promise.all(ENVIRONMENTS.map(removeStack));
  ENVIRONMENTS.forEach((env, i) => report(`pulumi ${env} destroy`, figures[i]!));
  report('pulumi destroy, all stacks at once', { wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)) });
});

it('nothing of the package is left in the cluster, cluster-scoped objects included', () => {
  expect(labelled()).toEqual([]);
});
