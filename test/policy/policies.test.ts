import { ENVIRONMENTS } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { compareObjects, synthesizeEnvironment } from '../../stacks/synth';
import { POLICY_PACK_ARGS, POLICY_PACK_NAME } from '../../policy/pack';
import {
  containerProbes, containerResources, KubeObject, noWildcardRbac, OBJECT_POLICIES, pdbForMultiReplica, pinnedImages, pssRestricted,
} from '../../policy/policies';
import { planResources } from '../../pulumi/resource-plan';
import { secretManifests } from '../../pulumi/secrets';

/**
 * What the policy engine sees for a stack: the resource inputs the program registers, every
 * object the chart synthesizes (workloads, Flagger canary, dashboards, …) and the Secrets.
 */
function stackObjects(environment: string): KubeObject[] {
  const env = synthesizeEnvironment(loadEnvironment(environment));
  const objects = [...env.objects, ...secretManifests(env.config.namespace)].sort(compareObjects);
  return planResources(environment, objects).map((p) => p.object);
}

describe.each(ENVIRONMENTS)('the package on %s', (environment) => {
  const objects = stackObjects(environment);

  test.each(OBJECT_POLICIES.map((p) => [p.name, p] as const))('passes %s', (_name, policy) => {
    expect(objects.flatMap((o) => policy.validate(o))).toEqual([]);
  });

  test('passes pdb-for-multi-replica', () => {
    expect(pdbForMultiReplica(objects)).toEqual([]);
  });

  test('the policies do check its workloads (each fails once its guarantee is removed)', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    // The objects beyond the workloads are there too: the policies see the whole stack.
    // (Dashboard ConfigMaps only where the environment ships the dashboards.)
    const dashboards = loadEnvironment(environment).monitoring.dashboards === 'ship' ? ['ConfigMap'] : [];
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Canary', 'MetricTemplate', 'AlertProvider', 'Secret', ...dashboards]));
    const withoutPdbs = objects.filter((o) => o.kind !== 'PodDisruptionBudget');
    expect(pdbForMultiReplica(withoutPdbs).length).toBeGreaterThan(0);
  });
});

/** A compliant Deployment, to break one field at a time. */
function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          volumes: [{ name: 'tmp', emptyDir: {} }],
          containers: [{
            name: 'web',
            image: 'ghcr.io/acme/web:2.0.1',
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
            livenessProbe: { httpGet: { path: '/live', port: 8080 } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
}
const pdb = (matchLabels: Record<string, string>, namespace = 'shop'): KubeObject => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace }, spec: { maxUnavailable: 1, selector: { matchLabels } },
});

function broken(change: (pod: any, container: any, d: any) => void): KubeObject {
  const d = deployment();
  change(d.spec.template.spec, d.spec.template.spec.containers[0], d);
  return d;
}

test('the compliant example passes every policy', () => {
  for (const policy of OBJECT_POLICIES) expect(policy.validate(deployment())).toEqual([]);
  expect(pdbForMultiReplica([deployment(), pdb({ app: 'web' })])).toEqual([]);
});

describe('pss-restricted', () => {
  test.each([
    ['hostNetwork', (pod: any) => { pod.hostNetwork = true; }, 'Deployment shop/web: hostNetwork is true'],
    ['hostPID', (pod: any) => { pod.hostPID = true; }, 'hostPID is true'],
    ['a hostPath volume', (pod: any) => { pod.volumes.push({ name: 'docker', hostPath: { path: '/var/run' } }); }, 'volume "docker" is of type hostPath'],
    ['privileged', (_p: any, c: any) => { c.securityContext.privileged = true; }, 'container "web" is privileged'],
    ['privilege escalation', (_p: any, c: any) => { delete c.securityContext.allowPrivilegeEscalation; }, 'container "web" allows privilege escalation'],
    ['kept capabilities', (_p: any, c: any) => { c.securityContext.capabilities.drop = ['NET_RAW']; }, 'does not drop all capabilities'],
    ['added capabilities', (_p: any, c: any) => { c.securityContext.capabilities.add = ['SYS_ADMIN']; }, 'adds capabilities SYS_ADMIN'],
    ['root', (pod: any) => { delete pod.securityContext.runAsNonRoot; }, 'container "web" may run as root'],
    ['UID 0', (_p: any, c: any) => { c.securityContext.runAsUser = 0; }, 'runs as UID 0'],
    ['no seccomp profile', (pod: any) => { delete pod.securityContext.seccompProfile; }, 'has no seccomp profile. Fix: set seccompProfile.type: RuntimeDefault'],
    ['a host port', (_p: any, c: any) => { c.ports = [{ containerPort: 80, hostPort: 80 }]; }, 'uses a hostPort'],
    ['a Windows HostProcess pod', (pod: any) => { pod.securityContext.windowsOptions = { hostProcess: true }; }, 'Deployment shop/web: the pod is a Windows HostProcess'],
    ['a Windows HostProcess container', (_p: any, c: any) => { c.securityContext.windowsOptions = { hostProcess: true }; }, 'container "web" is a Windows HostProcess'],
    ['an SELinux type beyond the container types', (pod: any) => { pod.securityContext.seLinuxOptions = { type: 'spc_t' }; }, 'the pod sets seLinuxOptions.type spc_t. Fix: use one of container_t, container_init_t, container_kvm_t'],
    ['a container SELinux type beyond the container types', (_p: any, c: any) => { c.securityContext.seLinuxOptions = { type: 'unconfined_t' }; }, 'container "web" sets seLinuxOptions.type unconfined_t'],
    ['a custom SELinux user', (_p: any, c: any) => { c.securityContext.seLinuxOptions = { user: 'system_u' }; }, 'container "web" sets seLinuxOptions.user system_u'],
    ['an unconfined AppArmor annotation', (_p: any, _c: any, d: any) => { d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }; }, 'annotation container.apparmor.security.beta.kubernetes.io/web is unconfined. Fix: use runtime/default or localhost/<profile>'],
    ['an unconfined AppArmor profile', (_p: any, c: any) => { c.securityContext.appArmorProfile = { type: 'Unconfined' }; }, 'container "web" has AppArmor profile Unconfined'],
    ['an unmasked /proc', (_p: any, c: any) => { c.securityContext.procMount = 'Unmasked'; }, 'container "web" sets procMount Unmasked. Fix: remove it (only Default is allowed)'],
    ['an unsafe sysctl', (pod: any) => { pod.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }]; }, 'sysctl kernel.msgmax is not in the safe set'],
    ['a host port on an init container', (pod: any) => { pod.initContainers = [{ name: 'init', image: 'busybox:1.36', ports: [{ containerPort: 53, hostPort: 53 }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }]; }, 'container "init" uses a hostPort'],
    ['an nfs volume', (pod: any) => { pod.volumes.push({ name: 'share', nfs: { server: 'nfs.local', path: '/export' } }); }, 'volume "share" is of type nfs. Fix: use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret'],
    ['an init container running as root', (pod: any) => { pod.initContainers = [{ name: 'init', image: 'busybox:1.36', securityContext: { runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }]; }, 'container "init" may run as root'],
  ])('fails when a pod has %s', (_what, change, message) => {
    expect(pssRestricted(broken(change)).join('\n')).toContain(message);
  });

  test.each([
    ['the container SELinux types', (pod: any, c: any) => { pod.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' }; c.securityContext.seLinuxOptions = { type: 'container_init_t' }; }],
    ['AppArmor runtime/default and localhost profiles', (_p: any, c: any, d: any) => {
      d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/side': 'localhost/k8s-web', 'other.io/note': 'unconfined' };
      c.securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-web' };
    }],
    ['the safe sysctls', (pod: any) => { pod.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'kernel.shm_rmid_forced', value: '1' }]; }],
    ['procMount Default, hostProcess false and hostPort 0', (pod: any, c: any) => {
      c.securityContext.procMount = 'Default';
      pod.securityContext.windowsOptions = { hostProcess: false };
      c.ports = [{ containerPort: 8080, hostPort: 0 }];
    }],
  ])('passes a pod with %s', (_what, change) => {
    expect(pssRestricted(broken(change))).toEqual([]);
  });

  test('checks the annotations of a bare Pod and of a CronJob\'s pods', () => {
    const annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' };
    const pod = deployment().spec.template.spec;
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', annotations }, spec: pod };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'web', namespace: 'shop' }, spec: { jobTemplate: { spec: { template: { metadata: { annotations }, spec: pod } } } } };
    expect(pssRestricted(bare)).toEqual([expect.stringContaining('Pod shop/web: annotation container.apparmor.security.beta.kubernetes.io/web is unconfined')]);
    expect(pssRestricted(cron)).toEqual([expect.stringContaining('CronJob shop/web: annotation container.apparmor.security.beta.kubernetes.io/web is unconfined')]);
  });
});

describe('container-resources', () => {
  test.each([
    ['requests.cpu', (_p: any, c: any) => { delete c.resources.requests.cpu; }],
    ['requests.memory', (_p: any, c: any) => { delete c.resources.requests.memory; }],
    ['limits.memory', (_p: any, c: any) => { delete c.resources.limits; }],
  ])('fails when a container has no %s', (field, change) => {
    expect(containerResources(broken(change))).toEqual([expect.stringContaining(`container "web" has no resources.${field}`)]);
  });
});

describe('container-probes', () => {
  test.each(['readinessProbe', 'livenessProbe'])('fails when a container has no %s', (probe) => {
    expect(containerProbes(broken((_p, c) => { delete c[probe]; }))).toEqual([`Deployment shop/web: container "web" has no ${probe}. Fix: add one (the rollout and the runbook's health checks rely on it).`]);
  });

  test('does not ask a Job for probes', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0' }] } } } };
    expect(containerProbes(job)).toEqual([]);
    expect(containerResources(job)).toEqual([expect.stringContaining('container "migrate" has no resources.requests.cpu')]);
  });
});

describe('pinned-images', () => {
  test.each([
    ['ghcr.io/acme/web:latest', 'uses the moving tag "latest"'],
    ['ghcr.io/acme/web', 'has no tag or digest'],
    ['ghcr.io/acme/web@sha256:1234', 'is not sha256:<64 hex>'],
  ])('fails for %s', (image, problem) => {
    const violations = pinnedImages(broken((_p, c) => { c.image = image; }));
    expect(violations).toEqual([expect.stringMatching(/^Deployment shop\/web: container "web" image ".+" .+\. Fix: pin it by tag or digest\.$/)]);
    expect(violations[0]).toContain(`image "${image}"`);
    expect(violations[0]).toContain(problem);
  });
});

describe('no-wildcard-rbac', () => {
  const role = (rule: Record<string, string[]>) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'admin-ish' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], ...rule }] });
  test.each(['verbs', 'resources', 'apiGroups'])('fails for "*" in %s', (field) => {
    expect(noWildcardRbac(role({ [field]: ['*'] }))).toEqual([`ClusterRole admin-ish: rules[0].${field} contains "*". Fix: list exactly the ${field} needed.`]);
  });
  test('passes exact rules', () => {
    expect(noWildcardRbac(role({}))).toEqual([]);
  });
});

describe('pdb-for-multi-replica', () => {
  test('fails for a multi-replica Deployment without a PDB', () => {
    expect(pdbForMultiReplica([deployment()])).toEqual(['Deployment shop/web runs up to 3 replicas without a PodDisruptionBudget selecting its pods. Fix: add one.']);
  });
  test('fails when the only PDB selects other pods or lives in another namespace', () => {
    expect(pdbForMultiReplica([deployment(), pdb({ app: 'api' }), pdb({ app: 'web' }, 'other')])).toHaveLength(1);
  });
  test('fails for a single-replica Deployment whose HPA may scale it out', () => {
    const d = broken((_p, _c, dep) => { dep.spec.replicas = 1; });
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4 } };
    expect(pdbForMultiReplica([d])).toEqual([]);
    expect(pdbForMultiReplica([d, hpa])).toEqual(['Deployment shop/web runs up to 4 replicas without a PodDisruptionBudget selecting its pods. Fix: add one.']);
  });
});

describe(`the ${POLICY_PACK_NAME} policy pack`, () => {
  const policies = POLICY_PACK_ARGS.policies as any[];

  test('holds every policy, mandatory', () => {
    expect(POLICY_PACK_ARGS.enforcementLevel).toBe('mandatory');
    expect(policies.map((p) => p.name).sort()).toEqual([...OBJECT_POLICIES.map((p) => p.name), 'pdb-for-multi-replica'].sort());
  });

  test('reports violations of Kubernetes resources and ignores other resource types', () => {
    const reported: string[] = [];
    const pss = policies.find((p) => p.name === 'pss-restricted');
    const props = broken((pod) => { pod.hostNetwork = true; });
    pss.validateResource({ type: 'kubernetes:apps/v1:Deployment', props }, (m: string) => reported.push(m));
    pss.validateResource({ type: 'aws:ec2/instance:Instance', props }, (m: string) => reported.push(m));
    pss.validateResource({ type: 'kubernetes:yaml:ConfigGroup', props }, (m: string) => reported.push(m));
    expect(reported).toEqual(['Deployment shop/web: hostNetwork is true. Fix: remove it (PSS restricted forbids host namespaces).']);
  });

  test('checks PDBs over the whole stack', () => {
    const reported: string[] = [];
    const stackPolicy = policies.find((p) => p.name === 'pdb-for-multi-replica');
    const resources = [{ type: 'kubernetes:apps/v1:Deployment', props: deployment() }, { type: 'random:index/randomPet:RandomPet', props: pdb({ app: 'web' }) }];
    stackPolicy.validateStack({ resources }, (m: string) => reported.push(m));
    expect(reported).toEqual([expect.stringContaining('Deployment shop/web runs up to 3 replicas')]);
  });
});
