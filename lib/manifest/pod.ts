/**
 * The pods a workload object runs, read from any workload kind: a Pod is its own pod, a CronJob
 * nests its template one level deeper (`jobTemplate`), every other workload (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job) has `spec.template`. Objects of other kinds have
 * none. Fields may be absent: the policy pack reads objects it did not synthesize.
 */
import { Json } from './object';

/** The pod template of a workload object: `{ metadata, spec }` (a Pod's own fields for a Pod). */
function podTemplateOf(object: Json): Json | undefined {
  if (object.kind === 'Pod') return object;
  const spec = object.spec as Json | undefined;
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template;
  return spec?.template;
}

/** The pod spec of a workload object, undefined for objects that run no pods. */
export function podSpecOf(object: Json): Json | undefined {
  if (object.spec === undefined) return undefined;
  return podTemplateOf(object)?.spec;
}

/** The labels of a workload object's pods. */
export function podLabelsOf(object: Json): Record<string, string> | undefined {
  return podTemplateOf(object)?.metadata?.labels;
}

/** The annotations of a workload object's pods. */
export function podAnnotationsOf(object: Json): Record<string, string> | undefined {
  return podTemplateOf(object)?.metadata?.annotations;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containersOf(pod: Json): Json[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
}
