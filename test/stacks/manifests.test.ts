/**
 * Properties every environment's synthesized manifests must have: schema-valid, hardened to
 * Pod Security Standards `restricted`, deterministic.
 */
import { ENVIRONMENTS } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { renderEnvironment, synthesizeEnvironment } from '../../stacks/synth';
import { allSynthesized, Container, PodSpec, podTemplates } from '../support/environments';
import { schemaProblems } from '../support/schema';

const environments = allSynthesized();

describe.each(environments.map((e) => [e.config.environment, e] as const))('%s', (_name, env) => {
  test('every object validates against its schema, unknown fields rejected', () => {
    const problems = env.objects.flatMap((o) => schemaProblems(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('every namespaced object lives in the environment namespace; cluster-scoped ones carry none', () => {
    const clusterScoped = new Set(['Namespace', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding']);
    for (const o of env.objects) {
      expect([`${o.kind}/${o.metadata.name}`, o.metadata.namespace]).toEqual([
        `${o.kind}/${o.metadata.name}`,
        clusterScoped.has(o.kind) ? undefined : env.config.namespace,
      ]);
    }
  });

  test('the namespace enforces, audits and warns on Pod Security Standards restricted', () => {
    const ns = env.objects.find((o) => o.kind === 'Namespace')!;
    const labels = ns.metadata.labels as Record<string, string>;
    for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
  });

  const templates = podTemplates(env.objects);
  test('has pod templates to check', () => expect(templates.length).toBeGreaterThanOrEqual(3));

  describe.each(templates.map((t) => [t.owner, t] as const))('%s', (_owner, { spec }) => {
    const containers: Container[] = [...spec.containers, ...(spec.initContainers ?? [])];

    test('passes PSS restricted (non-root, seccomp, no privilege, capabilities dropped, no host namespaces)', () => {
      expect(restrictedViolations(spec)).toEqual([]);
    });

    test('every container has CPU and memory requests and a memory limit', () => {
      for (const c of containers) {
        expect([c.name, c.resources?.requests?.cpu, c.resources?.requests?.memory, c.resources?.limits?.memory].every(Boolean)).toBe(true);
      }
    });

    test('every container has readiness and liveness probes', () => {
      for (const c of spec.containers) expect([c.name, !!c.readinessProbe, !!c.livenessProbe]).toEqual([c.name, true, true]);
    });

    test('root filesystem is read-only and /tmp is an emptyDir', () => {
      for (const c of spec.containers) {
        expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    });

    test('images are pinned (tag other than latest, or digest)', () => {
      for (const c of containers) expect(c.image).toMatch(/^[^@]+:(?!latest$)[\w][\w.-]*$|@sha256:[a-f0-9]{64}$/);
    });

    test('drains gracefully: preStop hook and a grace period', () => {
      for (const c of spec.containers) expect(c.lifecycle?.preStop).toBeDefined();
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    });
  });

  test('only the agent-manager mounts a service-account token', () => {
    const mounting = templates.filter((t) => t.spec.automountServiceAccountToken !== false).map((t) => t.owner);
    expect(mounting).toEqual(['Deployment/agent-manager']);
    const accounts = env.objects.filter((o) => o.kind === 'ServiceAccount');
    expect(accounts.filter((a) => a.automountServiceAccountToken !== false).map((a) => a.metadata.name)).toEqual(['agent-manager']);
  });

  test('HPA-managed Deployments carry no spec.replicas (the HPA owns it)', () => {
    const hpaTargets = env.objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler')
      .map((o) => (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name);
    expect(hpaTargets.sort()).toEqual(['agent-worker', 'orchestrator']);
    for (const name of hpaTargets) {
      const deployment = env.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
      expect(deployment.spec).not.toHaveProperty('replicas');
    }
  });

  test('every multi-replica workload has a PodDisruptionBudget selecting its pods', () => {
    const budgets = env.objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => (o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels.app);
    for (const t of templates) expect(budgets).toContain(t.labels.app);
  });
});

function restrictedViolations(spec: PodSpec): string[] {
  const violations: string[] = [];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) violations.push('host namespaces');
  if (spec.volumes?.some((v) => v.hostPath)) violations.push('hostPath volume');
  const podNonRoot = spec.securityContext?.runAsNonRoot === true;
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (!(sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot !== false))) violations.push(`${c.name}: runAsNonRoot`);
    if (sc.runAsUser === 0 || spec.securityContext?.runAsUser === 0) violations.push(`${c.name}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) violations.push(`${c.name}: allowPrivilegeEscalation`);
    if (sc.privileged) violations.push(`${c.name}: privileged`);
    if (!sc.capabilities?.drop?.includes('ALL')) violations.push(`${c.name}: capabilities.drop ALL`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')) violations.push(`${c.name}: capabilities.add`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') violations.push(`${c.name}: seccompProfile`);
  }
  return violations;
}

test('synthesis is deterministic: two runs render byte-identical files', () => {
  for (const name of ENVIRONMENTS) {
    const first = renderEnvironment(synthesizeEnvironment(loadEnvironment(name)));
    const second = renderEnvironment(synthesizeEnvironment(loadEnvironment(name)));
    expect([...second]).toEqual([...first]);
  }
});

test('object names carry no generated hash suffixes', () => {
  for (const env of environments) {
    for (const o of env.objects) expect(o.metadata.name).not.toMatch(/-[a-f0-9]{8}$|-c8[a-f0-9]{6}/);
  }
});
