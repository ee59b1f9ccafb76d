/**
 * Field ownership on the production stack 10-pulumi-1 deployed: other managers change what they
 * own (an operator raises the worker HPA's floor with the runbook's command, and the real HPA then
 * raises the worker count), the next `pulumi up` with an unrelated change (a release) neither
 * resets either nor fails with a conflict, and what docs/pulumi.md says about ownership is what the
 * live managedFields show.
 */
import { loadEnvironment } from '../../stacks/environments';
import { kubectlSync } from '../../scripts/cluster/kubectl';
import { publishIngressStatus } from '../support/ingress-status';
import { cluster, deployment, drained, ENVIRONMENTS, eventually, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { docCommand, docSection, forStack } from '../support/pulumi-doc';
import { PulumiOperator } from '../support/pulumi-operator';
import { LiveObject, ownersOf, previewSummary, upCommand } from '../support/pulumi-stack';
import { runbookCommands } from '../support/runbook-commands';
import * as path from 'node:path';
import { needsTools } from '../support/suite-tools';

needsTools('pulumi', 'pulumi-kubernetes');

const env = 'production';
const config = loadEnvironment(env);
const ns = namespaceOf(env);
const POOL = config.agentWorker.poolSize;
const op = PulumiOperator.shared();
let stopIngressStatus: () => Promise<void> = async () => undefined;

/** The runbook's `kubectl patch hpa agent-worker … minReplicas` with `floor`, run as written. */
function runbookPatch(floor: number): string {
  const cmd = runbookCommands().find((c) => c.text.startsWith('kubectl patch hpa agent-worker') && c.text.includes(`"minReplicas":${floor}`));
  if (!cmd) throw new Error(`docs/runbooks/WF-001.md has no \`kubectl patch hpa agent-worker\` to minReplicas ${floor}`);
  const res = kubectlSync(cluster().kubeconfig, cmd.argv.slice(1));
  if (res.code !== 0) throw new Error(`${cmd.text}: ${res.stderr}`);
  return cmd.text;
}

const live = (kind: string, name: string): LiveObject => JSON.parse(kubectlSync(cluster().kubeconfig, ['get', kind, name, '-n', ns, '-o', 'json', '--show-managed-fields']).stdout) as LiveObject;
const pulumiManager = (owners: string[]) => owners.filter((o) => o.startsWith('pulumi-kubernetes-'));
const others = (owners: string[]) => owners.filter((o) => !o.startsWith('pulumi-kubernetes-'));

beforeAll(async () => {
  stopIngressStatus = publishIngressStatus(ENVIRONMENTS.map(namespaceOf));
  await eventually('agent-worker rolled out', () => (rolledOut(deployment(ns, 'agent-worker')) ? true : undefined), 10 * 60_000, 1000);
  await drained(ns, 'agent-worker');
});

afterAll(async () => {
  await stopIngressStatus();
});

describe('other managers and pulumi up', () => {
  const raised = 1000;
  const figures: Record<string, unknown> = {};

  it(`after the create: Pulumi owns the HPA floor and the worker count (${POOL})`, () => {
    figures.afterCreate = {
      'hpa spec.minReplicas': ownersOf(live('hpa', 'agent-worker'), ['f:spec', 'f:minReplicas']),
      'deployment spec.replicas': ownersOf(live('deployment', 'agent-worker'), ['f:spec', 'f:replicas']),
    };
    expect(pulumiManager(ownersOf(live('hpa', 'agent-worker'), ['f:spec', 'f:minReplicas']))).toHaveLength(1);
  });

  it(`an operator raises the floor to ${raised} (runbook WF-001), the HPA raises the worker count: the live owners are as documented`, async () => {
    figures.command = runbookPatch(raised);
    const t0 = Date.now();
    await eventually(`${raised} agents`, () => {
      const d = deployment(ns, 'agent-worker');
      return d.spec.replicas === raised && rolledOut(d) ? true : undefined;
    }, 5 * 60_000, 1000);
    figures.secondsToRaisedPool = (Date.now() - t0) / 1000;
    const floorOwners = ownersOf(live('hpa', 'agent-worker'), ['f:spec', 'f:minReplicas']);
    const countOwners = ownersOf(live('deployment', 'agent-worker'), ['f:spec', 'f:replicas']);
    figures.afterOverride = { 'hpa spec.minReplicas': floorOwners, 'deployment spec.replicas': countOwners };
    expect(others(floorOwners)).toEqual(['kubectl-patch/Update']);
    expect(countOwners).toEqual(['kube-controller-manager/Update/scale']);
    // The patch changed the value, so the Update took the field: Pulumi's apply no longer owns it.
    expect(pulumiManager(floorOwners)).toEqual([]);
    // docs/pulumi.md states the same owners.
    const doc = docSection("Who owns the worker HPA's `minReplicas`");
    expect(doc).toContain('`kubectl-patch` becomes the only owner of `spec.minReplicas`');
    expect(doc).toContain('`kube-controller-manager` (subresource `scale`) the only owner of the Deployment\'s `spec.replicas`');
  });

  it('pulumi up with an unrelated change (a release) keeps the raised floor and count, without a conflict', async () => {
    await drained(ns, 'agent-worker');
    await op.must(forStack(docCommand('What a deploy pipeline runs', /^pulumi config set .*:imageTag /), env, { 'release tag': '1.4.5' }));
    const up = await op.run(upCommand(env));
    expect({ code: up.code, output: up.code === 0 ? '' : up.stdout + up.stderr }).toEqual({ code: 0, output: '' });
    expect(up.stdout + up.stderr).not.toMatch(/conflict/i);
    figures.releaseAtRaisedPoolUpSeconds = up.seconds;
    const d = deployment(ns, 'agent-worker');
    // The provider returns when the rollout is complete (the Deployment's NewReplicaSetAvailable and
    // the new ReplicaSet's readyReplicas, provider/pkg/await/deployment.go): the old ReplicaSet's
    // pods may still be terminating then, and status.readyReplicas still counts them (measured:
    // 1022 at 1000), so the count that matters is the complete rollout's, not readyReplicas.
    figures.atUpReturn = { readyReplicas: d.status.readyReplicas, terminatingReplicas: d.status.terminatingReplicas ?? 0 };
    expect({ replicas: d.spec.replicas, rolledOut: rolledOut(d), available: d.status.availableReplicas, updated: d.status.updatedReplicas, image: d.spec.template.spec.containers[0]!.image.endsWith(':1.4.5') })
      .toEqual({ replicas: raised, rolledOut: true, available: raised, updated: raised, image: true });
    expect(JSON.parse(kubectlSync(cluster().kubeconfig, ['get', 'hpa', 'agent-worker', '-n', ns, '-o', 'json']).stdout).spec.minReplicas).toBe(raised);
    figures.afterRelease = {
      'hpa spec.minReplicas': ownersOf(live('hpa', 'agent-worker'), ['f:spec', 'f:minReplicas']),
      'deployment spec.replicas': ownersOf(live('deployment', 'agent-worker'), ['f:spec', 'f:replicas']),
    };
    expect(ownersOf(live('deployment', 'agent-worker'), ['f:spec', 'f:replicas'])).toEqual(['kube-controller-manager/Update/scale']);
  });

  it('a change to the HPA itself conflicts while the override is in place (as documented), and not after the runbook\'s revert', async () => {
    const checkout = op.overrideCheckout('hpa-changed', path.join(__dirname, 'fixtures', 'hpa-changed.js'));
    const preview = forStack(docCommand('Preview and apply', /^pulumi preview .*--diff/), env);
    const conflicted = await op.run(preview, { cwd: checkout });
    expect(conflicted.code).not.toBe(0);
    const message = (conflicted.stdout + conflicted.stderr).split('\n').find((l) => /conflict/i.test(l)) ?? '';
    figures.conflictMessage = message.trim();
    // Provider 4.25.0 replaces the API server's conflict message (which names the field and the
    // manager) with its own (handleSSAErr, provider/pkg/await/await.go): the doc quotes this one.
    expect(message).toContain('Server-Side Apply field conflict detected');
    expect(docSection("Who owns the worker HPA's `minReplicas`")).toContain('Server-Side Apply field conflict detected. See https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/');
    // The API server's own answer to the same apply names them (a server-side dry run as Pulumi's manager).
    const manager = pulumiManager(ownersOf(live('hpa', 'agent-worker'), ['f:spec', 'f:maxReplicas']))[0]!.split('/')[0]!;
    const hpaManifest = JSON.parse(kubectlSync(cluster().kubeconfig, ['get', 'hpa', 'agent-worker', '-n', ns, '-o', 'json']).stdout);
    const dry = kubectlSync(cluster().kubeconfig, ['apply', '--server-side', '--dry-run=server', `--field-manager=${manager}`, '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'agent-worker', namespace: ns }, spec: { ...hpaManifest.spec, minReplicas: POOL } }),
    });
    figures.apiServerConflict = dry.stderr.split('\n')[0];
    // Kubernetes 1.36 names the manager's API version too (measured): the doc quotes this line.
    expect(dry.stderr).toContain('conflict with "kubectl-patch" using autoscaling/v2: .spec.minReplicas');
    expect(docSection("Who owns the worker HPA's `minReplicas`")).toContain('`Apply failed with 1 conflict: conflict with "kubectl-patch" using autoscaling/v2: .spec.minReplicas`');
    runbookPatch(POOL);
    const clean = await op.run(preview, { cwd: checkout });
    expect({ code: clean.code, output: clean.code === 0 ? '' : clean.stdout + clean.stderr }).toEqual({ code: 0, output: '' });
    expect(previewSummary(clean.stdout).update).toBe(1);
    figures.afterRevert = { 'hpa spec.minReplicas': ownersOf(live('hpa', 'agent-worker'), ['f:spec', 'f:minReplicas']) };
    report('pulumi field ownership', figures);
  });
});
