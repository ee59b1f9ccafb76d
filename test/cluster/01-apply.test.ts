/**
 * Every environment's dist/<env>/ applied to a real API server, as the README's plain-kubectl
 * route does (`kubectl apply --server-side -f dist/<env>/`), with strict field validation and
 * every admission plugin on (PodSecurity included). The Pulumi program's resource list, which
 * differs (HPA targets carry their initial replicas, the Secrets are added), goes through the
 * same validation and admission as a server-side dry run.
 */
import * as fs from 'node:fs';
import { stringify } from 'yaml';
import { planResources } from '../../pulumi/resource-plan';
import { secretManifests } from '../../pulumi/secrets';
import { synthesizeEnvironment, ManifestObject } from '../../stacks/synth';
import { loadEnvironment } from '../../stacks/environments';
import { applyEnvironment, cluster, envDir, ENVIRONMENTS, eventually, kube, kubeJson, namespaceOf } from '../support/live-cluster';
import { kubectlSync } from '../../scripts/cluster/kubectl';

interface LiveObject {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion: string;
    generation?: number;
    managedFields?: Array<{ manager: string; operation: string; time?: string; fieldsV1?: unknown }>;
  };
}

/** Objects whose status a controller keeps writing: only spec-level identity is comparable. */
const STATUS_WRITERS = new Set(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Canary', 'Namespace']);

/** What a second, identical apply must leave untouched, per object. */
function fingerprint(o: LiveObject): string {
  const ours = (o.metadata.managedFields ?? []).filter((m) => m.manager === 'kubectl' && m.operation === 'Apply');
  const identity = STATUS_WRITERS.has(o.kind) ? { generation: o.metadata.generation } : { resourceVersion: o.metadata.resourceVersion };
  return JSON.stringify({ key: `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, ...identity, ours });
}

function liveObjects(env: (typeof ENVIRONMENTS)[number]): LiveObject[] {
  // kubectl hides managedFields unless asked (since 1.21); without the flag 'ours' is always empty.
  return kubeJson<{ items: LiveObject[] }>(['-f', envDir(env), '--show-managed-fields']).items;
}

describe.each(ENVIRONMENTS)('%s: dist/ applied to a live API server', (env) => {
  it('server-side apply with strict field validation: every object accepted, no warning', () => {
    const res = applyEnvironment(env);
    expect(res.stderr).toBe(''); // no rejection, no deprecation or PodSecurity warning
    expect(res.code).toBe(0);
    const files = fs.readdirSync(envDir(env)).filter((f) => f.endsWith('.yaml'));
    expect(res.stdout.trim().split('\n')).toHaveLength(files.length);
    for (const line of res.stdout.trim().split('\n')) expect(line).toMatch(/ serverside-applied$/);
  });

  it('applying the same folder again changes nothing (no new resourceVersion or generation, no managed-fields churn)', async () => {
    const diff = kubectlSync(cluster().kubeconfig, ['diff', '--server-side', '-f', envDir(env)]);
    expect(diff.stdout).toBe('');
    expect(diff.code).toBe(0);
    // The HPAs scale their Deployments (a new generation) on their own schedule: let them act
    // first, so that only the apply can change what is compared.
    await hpasSettled(env);
    const before = liveObjects(env).map(fingerprint);
    expect(applyEnvironment(env).code).toBe(0);
    expect(liveObjects(env).map(fingerprint)).toEqual(before);
    // The comparison covers our field manager's entry: every object has one.
    for (const f of before) expect(JSON.parse(f).ours).toHaveLength(1);
  });

  it("the Pulumi program's resource list (and its Secrets) passes validation and admission as a server-side dry run, without warnings", () => {
    const synthesized = synthesizeEnvironment(loadEnvironment(env));
    const objects: ManifestObject[] = [...secretManifests(namespaceOf(env)), ...planResources(env, synthesized.objects).map((p) => p.object)];
    const withData = objects.map((o) => (o.kind === 'Secret' ? { ...o, stringData: placeholderData(o) } : o));
    const res = kubectlSync(cluster().kubeconfig, ['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=pulumi-kubernetes', '--force-conflicts', '-f', '-'], {
      input: withData.map((o) => stringify(o)).join('---\n'),
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(objects.length);
  });
});

interface Hpa {
  spec: { minReplicas: number; scaleTargetRef: { name: string } };
}

/**
 * Every HPA of the environment has raised its Deployment to its minimum. Without a metrics server
 * (docs/live-cluster.md) that is the only scaling an HPA does here.
 */
async function hpasSettled(env: (typeof ENVIRONMENTS)[number]): Promise<void> {
  const ns = namespaceOf(env);
  await eventually(`${env}: HPAs settled`, () => {
    const hpas = kubeJson<{ items: Hpa[] }>(['hpa', '-n', ns]).items;
    return hpas.every((h) => kubeJson<{ spec: { replicas: number } }>(['deployment', h.spec.scaleTargetRef.name, '-n', ns]).spec.replicas >= h.spec.minReplicas)
      ? true
      : undefined;
  }, 120_000, 1000);
}

function placeholderData(secret: ManifestObject): Record<string, string> {
  const keys = Object.keys((secret as unknown as { stringData?: Record<string, string> }).stringData ?? {});
  return Object.fromEntries(keys.map((k) => [k, 'placeholder']));
}

describe('PodSecurity restricted is enforced in our namespaces', () => {
  const pod = (ns: string, name: string, securityContext: object) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns },
      spec: { containers: [{ name: 'c', image: 'registry.example/busybox:1.36', securityContext }] },
    });

  // A pod that sets no securityContext: the API server's own checks accept it (see the control
  // group in namespace default); only PodSecurity's restricted profile refuses it.
  it('control: the same pod is admitted in a namespace without a PodSecurity label', () => {
    const res = kubectlSync(cluster().kubeconfig, ['apply', '--dry-run=server', '-f', '-'], { input: pod('default', 'psa-probe', {}) });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it.each(ENVIRONMENTS)('%s: a pod without the restricted securityContext is rejected with the admission message', (env) => {
    const ns = namespaceOf(env);
    const labels = kubeJson<{ metadata: { labels: Record<string, string> } }>(['namespace', ns]).metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const res = kubectlSync(cluster().kubeconfig, ['apply', '-f', '-'], { input: pod(ns, 'psa-probe', {}) });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`pods "psa-probe" is forbidden: violates PodSecurity "restricted:`);
    for (const rule of ['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']) {
      expect(res.stderr).toContain(rule);
    }
  });

  it.each(ENVIRONMENTS)('%s: our own pods are admitted (their ReplicaSets report no FailedCreate)', async (env) => {
    const ns = namespaceOf(env);
    await eventually('pods of every Deployment', () => (kubeJson<{ items: unknown[] }>(['pods', '-n', ns]).items.length >= 3 ? true : undefined), 60_000);
    const events = kube(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate', '-o', 'name']);
    expect(events.trim()).toBe('');
  });
});
