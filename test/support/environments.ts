/** Synthesized environments for tests, built once per test file. */
import { podLabelsOf, podSpecOf } from '../../lib/manifest';
import { ENVIRONMENTS, EnvironmentName } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { ManifestObject, SynthesizedEnvironment, synthesizeEnvironment } from '../../stacks/synth';

const cache = new Map<EnvironmentName, SynthesizedEnvironment>();

export function synthesized(environment: EnvironmentName): SynthesizedEnvironment {
  let env = cache.get(environment);
  if (!env) {
    env = synthesizeEnvironment(loadEnvironment(environment));
    cache.set(environment, env);
  }
  return env;
}

export function allSynthesized(): SynthesizedEnvironment[] {
  return ENVIRONMENTS.map(synthesized);
}

export function findObject(objects: readonly ManifestObject[], kind: string, name: string): ManifestObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** Every pod template (Deployments today; any workload kind the manifest model reads pods from). */
export function podTemplates(objects: readonly ManifestObject[]): { owner: string; spec: PodSpec; labels: Record<string, string> }[] {
  return objects.flatMap((o) => {
    const spec = podSpecOf(o) as PodSpec | undefined;
    return spec === undefined ? [] : [{ owner: `${o.kind}/${o.metadata.name}`, spec, labels: podLabelsOf(o) ?? {} }];
  });
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Container {
  name: string;
  image: string;
  securityContext?: SecurityContext;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  volumeMounts?: { name: string; mountPath: string }[];
  lifecycle?: { preStop?: unknown };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: { name: string; hostPath?: unknown; emptyDir?: unknown }[];
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
  priorityClassName?: string;
}
