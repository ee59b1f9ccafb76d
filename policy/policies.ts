/**
 * The package's guarantees as plain functions over Kubernetes objects (a synthesized manifest, or
 * the props Pulumi's policy engine passes for a `kubernetes:*` resource: the same shape). Each
 * returns its violations as messages that name the object, the field and the fix; the policy pack
 * (policy/pack.ts) only wires them to `@pulumi/policy`, and tests call them directly.
 */
import { parseImage } from '../lib/workloads/image';
import { autoscalersByTarget, containersOf, formatRef, Json, keyOf, podAnnotationsOf, podLabelsOf, podSpecOf, selectorMatches } from '../lib/manifest';

/** A Kubernetes object as policies see it; fields may be missing on hand-made or foreign objects. */
export type KubeObject = Json;

export interface ObjectPolicy {
  readonly name: string;
  readonly description: string;
  readonly validate: (object: KubeObject) => string[];
}

function describe(object: KubeObject): string {
  const { name, namespace } = object.metadata ?? {};
  return formatRef({ kind: object.kind, namespace, name: name ?? '<unnamed>' });
}

function podOf(object: KubeObject): Json | undefined {
  return typeof object.kind === 'string' ? podSpecOf(object) : undefined;
}

/** Kinds whose pods run until replaced: they need probes. Jobs and CronJobs run to completion. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);

/** Volume types Pod Security Standards `restricted` allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** SELinux types Pod Security Standards `baseline` allows (v1.28). */
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t']);

/** The "safe" sysctls Pod Security Standards `baseline` allows (v1.28): namespaced, isolated per pod. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
]);

/** Annotation prefix of the per-container AppArmor profile (before the `appArmorProfile` field). */
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * The security-context checks shared by the pod and each container (PSS `baseline`): no Windows
 * HostProcess, only the container SELinux types and no custom SELinux user or role, and no
 * unconfined AppArmor profile. `where` names the pod or the container in the message.
 */
function contextViolations(where: string, context: Json): string[] {
  const out: string[] = [];
  if (context.windowsOptions?.hostProcess === true) out.push(`${where} is a Windows HostProcess. Fix: remove windowsOptions.hostProcess (PSS forbids privileged host access).`);
  const selinux = context.seLinuxOptions ?? {};
  if (selinux.type && !SELINUX_TYPES.has(selinux.type)) {
    out.push(`${where} sets seLinuxOptions.type ${selinux.type}. Fix: use one of ${[...SELINUX_TYPES].join(', ')}, or leave it unset.`);
  }
  for (const field of ['user', 'role'] as const) {
    if (selinux[field]) out.push(`${where} sets seLinuxOptions.${field} ${selinux[field]}. Fix: leave it unset.`);
  }
  const appArmor = context.appArmorProfile?.type;
  if (appArmor !== undefined && appArmor !== 'RuntimeDefault' && appArmor !== 'Localhost') {
    out.push(`${where} has AppArmor profile ${appArmor}. Fix: use RuntimeDefault or Localhost.`);
  }
  return out;
}

/**
 * Pod Security Standards `restricted` (v1.28, which includes `baseline`), checked on every pod
 * template: host namespaces, HostProcess, volume types, SELinux, AppArmor, sysctls, and per
 * container privilege, escalation, capabilities, non-root, seccomp, /proc mount and host ports.
 */
export function pssRestricted(object: KubeObject): string[] {
  const pod = podOf(object);
  if (pod === undefined) return [];
  const at = describe(object);
  const out: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[field] === true) out.push(`${at}: ${field} is true. Fix: remove it (PSS restricted forbids host namespaces).`);
  }
  out.push(...contextViolations(`${at}: the pod`, pod.securityContext ?? {}));
  for (const sysctl of pod.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) out.push(`${at}: sysctl ${sysctl.name} is not in the safe set. Fix: use only ${[...SAFE_SYSCTLS].join(', ')}.`);
  }
  for (const [key, value] of Object.entries(podAnnotationsOf(object) ?? {})) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      out.push(`${at}: annotation ${key} is ${value}. Fix: use runtime/default or localhost/<profile>.`);
    }
  }
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (type !== undefined && !RESTRICTED_VOLUMES.has(type)) {
      out.push(`${at}: volume "${volume.name}" is of type ${type}. Fix: use one of ${[...RESTRICTED_VOLUMES].join(', ')}.`);
    }
  }
  const podContext = pod.securityContext ?? {};
  for (const container of containersOf(pod)) {
    const c = `${at}: container "${container.name}"`;
    const context = container.securityContext ?? {};
    out.push(...contextViolations(c, context));
    if (context.privileged === true) out.push(`${c} is privileged. Fix: set securityContext.privileged: false.`);
    if (context.procMount !== undefined && context.procMount !== 'Default') out.push(`${c} sets procMount ${context.procMount}. Fix: remove it (only Default is allowed).`);
    if (context.allowPrivilegeEscalation !== false) out.push(`${c} allows privilege escalation. Fix: set securityContext.allowPrivilegeEscalation: false.`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) out.push(`${c} does not drop all capabilities. Fix: set securityContext.capabilities.drop: [ALL].`);
    const added = (context.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) out.push(`${c} adds capabilities ${added.join(', ')}. Fix: add none but NET_BIND_SERVICE.`);
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) out.push(`${c} may run as root. Fix: set runAsNonRoot: true on the pod or the container.`);
    if ((context.runAsUser ?? podContext.runAsUser) === 0) out.push(`${c} runs as UID 0. Fix: set runAsUser to a non-zero UID.`);
    const seccomp = (context.seccompProfile ?? podContext.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${c} has no seccomp profile. Fix: set seccompProfile.type: RuntimeDefault.`);
    if ((container.ports ?? []).some((p: Json) => p.hostPort !== undefined && p.hostPort !== 0)) out.push(`${c} uses a hostPort. Fix: remove it.`);
  }
  return out;
}

/** CPU and memory requests and a memory limit on every container. */
export function containerResources(object: KubeObject): string[] {
  const pod = podOf(object);
  if (pod === undefined) return [];
  return containersOf(pod).flatMap((container) => {
    const missing = [
      container.resources?.requests?.cpu === undefined ? 'requests.cpu' : undefined,
      container.resources?.requests?.memory === undefined ? 'requests.memory' : undefined,
      container.resources?.limits?.memory === undefined ? 'limits.memory' : undefined,
    ].filter((m): m is string => m !== undefined);
    return missing.length === 0 ? [] : [`${describe(object)}: container "${container.name}" has no resources.${missing.join(', resources.')}. Fix: set them (memory limit = request).`];
  });
}

/** Readiness and liveness probes on every container of a long-running workload. */
export function containerProbes(object: KubeObject): string[] {
  const pod = podOf(object);
  if (pod === undefined || !LONG_RUNNING.has(object.kind)) return [];
  return (pod.containers ?? []).flatMap((container: Json) =>
    (['readinessProbe', 'livenessProbe'] as const)
      .filter((probe) => container[probe] === undefined)
      .map((probe) => `${describe(object)}: container "${container.name}" has no ${probe}. Fix: add one (the rollout and the runbook's health checks rely on it).`),
  );
}

/** Images pinned by a tag other than `latest`, or by digest. */
export function pinnedImages(object: KubeObject): string[] {
  const pod = podOf(object);
  if (pod === undefined) return [];
  return containersOf(pod).flatMap((container) => {
    const parsed = typeof container.image === 'string' ? parseImage(container.image) : { problem: 'is missing' };
    return 'problem' in parsed
      ? [`${describe(object)}: container "${container.name}" image "${container.image}" ${parsed.problem}. Fix: pin it by tag or digest.`]
      : [];
  });
}

/** No `*` in the verbs, resources, API groups or URLs of a Role or ClusterRole. */
export function noWildcardRbac(object: KubeObject): string[] {
  if (!['Role', 'ClusterRole'].includes(object.kind) || !String(object.apiVersion).startsWith('rbac.authorization.k8s.io/')) return [];
  return ((object.rules ?? []) as Json[]).flatMap((rule, i) =>
    (['verbs', 'resources', 'apiGroups', 'nonResourceURLs'] as const)
      .filter((field) => (rule[field] ?? []).includes('*'))
      .map((field) => `${describe(object)}: rules[${i}].${field} contains "*". Fix: list exactly the ${field} needed.`),
  );
}

export const OBJECT_POLICIES: readonly ObjectPolicy[] = [
  { name: 'pss-restricted', description: 'Pods meet Pod Security Standards "restricted".', validate: pssRestricted },
  { name: 'container-resources', description: 'Every container requests CPU and memory and has a memory limit.', validate: containerResources },
  { name: 'container-probes', description: 'Every container of a long-running workload has readiness and liveness probes.', validate: containerProbes },
  { name: 'pinned-images', description: 'Images are pinned by tag (not latest) or digest.', validate: pinnedImages },
  { name: 'no-wildcard-rbac', description: 'Roles grant no "*" verbs, resources or API groups.', validate: noWildcardRbac },
];

/** Workload kinds that run replicas a PDB can protect. */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/**
 * Every workload that runs more than one replica (its own count, or an HPA allowing more than
 * one) has a PodDisruptionBudget in its namespace whose selector matches its pods, so node drains
 * never take the whole workload down at once.
 */
export function pdbForMultiReplica(objects: readonly KubeObject[]): string[] {
  const autoscalers = autoscalersByTarget(objects);
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  return objects
    .filter((o) => REPLICATED.has(o.kind))
    .flatMap((workload) => {
      const { name, namespace } = workload.metadata ?? {};
      const hpa = autoscalers.get(keyOf({ kind: workload.kind, namespace, name }));
      const replicas = Math.max(workload.spec?.replicas ?? 1, hpa === undefined ? 0 : hpa.spec?.maxReplicas ?? 1);
      if (replicas <= 1) return [];
      const labels = podLabelsOf(workload);
      const covered = budgets.some((pdb) => pdb.metadata?.namespace === namespace && selectorMatches(pdb.spec?.selector?.matchLabels, labels));
      return covered ? [] : [`${describe(workload)} runs up to ${replicas} replicas without a PodDisruptionBudget selecting its pods. Fix: add one.`];
    });
}
