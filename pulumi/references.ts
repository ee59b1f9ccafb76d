/**
 * What a synthesized object needs to exist before it is applied, read from the object itself
 * (by kind and by the reference fields Kubernetes, Flagger and prometheus-operator define), so the
 * Pulumi program orders any object a chart adds without a hand-kept list.
 *
 * Only references to objects of the same set matter: a reference to something the package does
 * not create (the TLS Secret, a CRD installed by its operator) is left to the cluster. So is a
 * reference to an object an operator creates at runtime from an object of the set (the Services
 * Flagger creates for a Canary, see {@link runtimeObjectsOf}): it cannot be ordered before its
 * creator, which may itself need the referencing object (a Canary's `ingressRef` needs the
 * Ingress that routes to the Canary's Services), so it is no error and no dependency.
 */
import { containersOf, groupOf, Json, ManifestObject, ObjectRef, podLabelsOf, podSpecOf, refOf, selectorMatches } from '../lib/manifest';

/** Secrets and ConfigMaps a pod reads, its ServiceAccount and PriorityClass. */
function podReferences(pod: Json, namespace: string | undefined): ObjectRef[] {
  const refs: ObjectRef[] = [];
  const local = (kind: string, name: unknown) => {
    if (typeof name === 'string') refs.push(namespace === undefined ? { kind, name } : { kind, name, namespace });
  };
  local('ServiceAccount', pod.serviceAccountName);
  if (typeof pod.priorityClassName === 'string') refs.push({ kind: 'PriorityClass', name: pod.priorityClassName });
  for (const container of containersOf(pod)) {
    for (const env of container.env ?? []) {
      local('Secret', env.valueFrom?.secretKeyRef?.name);
      local('ConfigMap', env.valueFrom?.configMapKeyRef?.name);
    }
    for (const from of container.envFrom ?? []) {
      local('Secret', from.secretRef?.name);
      local('ConfigMap', from.configMapRef?.name);
    }
  }
  for (const volume of pod.volumes ?? []) {
    local('Secret', volume.secret?.secretName);
    local('ConfigMap', volume.configMap?.name);
    for (const source of volume.projected?.sources ?? []) {
      local('Secret', source.secret?.name);
      local('ConfigMap', source.configMap?.name);
    }
  }
  return refs;
}

/** Every `{ name, key }` secret key selector under a value, in objects and lists (AlertmanagerConfig receivers use them). */
function secretKeySelectors(value: unknown, namespace: string | undefined): ObjectRef[] {
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Json;
  if (typeof record.name === 'string' && typeof record.key === 'string') {
    return [namespace === undefined ? { kind: 'Secret', name: record.name } : { kind: 'Secret', name: record.name, namespace }];
  }
  return Object.values(record).flatMap((v) => secretKeySelectors(v, namespace));
}

/**
 * What `object` needs applied first, among `all`. Namespaced objects need their Namespace;
 * workloads their ServiceAccount, PriorityClass, Secrets and ConfigMaps; bindings their role and
 * subjects; an HPA its target; a Canary its target, autoscaler, Ingress, metric templates and
 * alert providers; Flagger alert providers and AlertmanagerConfigs the Secrets they read; monitors the
 * Services or workloads they select (by `matchLabels`); an Ingress its backend Services.
 */
export function referencesOf(object: ManifestObject, all: readonly ManifestObject[]): ObjectRef[] {
  const namespace = object.metadata.namespace;
  const spec = (object.spec ?? {}) as Json;
  const group = groupOf(object);
  const refs: ObjectRef[] = [];
  const local = (kind: unknown, name: unknown, ns: unknown = namespace) => {
    if (typeof kind === 'string' && typeof name === 'string') {
      refs.push(typeof ns === 'string' ? { kind, name, namespace: ns } : { kind, name });
    }
  };
  if (namespace !== undefined) refs.push({ kind: 'Namespace', name: namespace });

  const pod = podSpecOf(object);
  if (pod !== undefined) refs.push(...podReferences(pod, namespace));

  switch (`${group}/${object.kind}`) {
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding': {
      const roleRef = object.roleRef as Json | undefined;
      // A RoleBinding may bind a ClusterRole, which is cluster-scoped (null: `undefined` would mean the binding's namespace).
      local(roleRef?.kind, roleRef?.name, roleRef?.kind === 'Role' ? namespace : null);
      for (const subject of (object.subjects as Json[] | undefined) ?? []) {
        if (subject.kind === 'ServiceAccount') local('ServiceAccount', subject.name, subject.namespace ?? namespace);
      }
      break;
    }
    case 'autoscaling/HorizontalPodAutoscaler':
      local(spec.scaleTargetRef?.kind, spec.scaleTargetRef?.name);
      break;
    case 'flagger.app/Canary':
      local(spec.targetRef?.kind, spec.targetRef?.name);
      local(spec.autoscalerRef?.kind, spec.autoscalerRef?.name);
      // Flagger's nginx provider copies this Ingress into the canary Ingress; it must exist first.
      local(spec.ingressRef?.kind, spec.ingressRef?.name);
      for (const metric of spec.analysis?.metrics ?? []) {
        local('MetricTemplate', metric.templateRef?.name, metric.templateRef?.namespace ?? namespace);
      }
      for (const alert of spec.analysis?.alerts ?? []) {
        local('AlertProvider', alert.providerRef?.name, alert.providerRef?.namespace ?? namespace);
      }
      break;
    case 'flagger.app/AlertProvider':
      local('Secret', spec.secretRef?.name);
      break;
    case 'monitoring.coreos.com/AlertmanagerConfig':
      refs.push(...secretKeySelectors(spec.receivers, namespace));
      break;
    case 'monitoring.coreos.com/ServiceMonitor':
    case 'monitoring.coreos.com/PodMonitor': {
      const namespaces: string[] = spec.namespaceSelector?.matchNames ?? (namespace === undefined ? [] : [namespace]);
      const selector = spec.selector?.matchLabels as Record<string, string> | undefined;
      for (const candidate of all) {
        if (!namespaces.includes(candidate.metadata.namespace ?? '')) continue;
        const labels = object.kind === 'ServiceMonitor'
          ? candidate.kind === 'Service' ? (candidate.metadata.labels as Record<string, string> | undefined) : undefined
          : podSpecOf(candidate) !== undefined ? podLabelsOf(candidate) : undefined;
        if (selectorMatches(selector, labels)) refs.push(refOf(candidate));
      }
      break;
    }
    case 'networking.k8s.io/Ingress':
      local('Service', spec.defaultBackend?.service?.name);
      for (const rule of spec.rules ?? []) {
        for (const path of rule.http?.paths ?? []) local('Service', path.backend?.service?.name);
      }
      break;
  }
  return refs;
}

/**
 * Objects an operator creates at runtime from `object`, which a chart must not synthesize itself
 * and other objects may still reference. A Flagger Canary creates the Services `<service>`
 * (the apex the Ingress routes to), `<service>-primary` and `<service>-canary`, where `<service>`
 * is `spec.service.name`, by default the target Deployment's name.
 */
export function runtimeObjectsOf(object: ManifestObject): ObjectRef[] {
  if (groupOf(object) !== 'flagger.app' || object.kind !== 'Canary') return [];
  const spec = (object.spec ?? {}) as Json;
  const service = spec.service?.name ?? spec.targetRef?.name;
  if (typeof service !== 'string') return [];
  const namespace = object.metadata.namespace;
  return [service, `${service}-primary`, `${service}-canary`].map((name) =>
    namespace === undefined ? { kind: 'Service', name } : { kind: 'Service', name, namespace });
}
