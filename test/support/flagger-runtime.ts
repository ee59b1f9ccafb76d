/**
 * The objects Flagger creates at runtime from a Canary, modelled so tests can check commands and
 * references against what will really exist in the cluster:
 * - Deployment `<target>-primary`: a copy of the target whose `app` label (selector and pods) is
 *   `<target>-primary`; it serves live traffic, the target is scaled to 0 between analyses;
 * - HPA `<autoscaler>-primary` scaling it;
 * - Services `<service>`, `<service>-primary`, `<service>-canary` (names as the Pulumi program
 *   knows them: pulumi/references.ts runtimeObjectsOf).
 */
import { primaryNameOf } from '../../lib/workloads/labels';
import { runtimeObjectsOf } from '../../pulumi/references';
import { ManifestObject } from '../../stacks/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function withPrimaryApp(labels: Json | undefined, target: string): Json {
  return { ...labels, app: primaryNameOf(target) };
}

export function flaggerRuntimeObjects(objects: readonly ManifestObject[]): ManifestObject[] {
  const created: ManifestObject[] = [];
  for (const canary of objects.filter((o) => o.kind === 'Canary')) {
    const spec = canary.spec as Json;
    const namespace = canary.metadata.namespace;
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === spec.targetRef.name) as Json | undefined;
    if (target) {
      const name = primaryNameOf(target.metadata.name);
      created.push({
        ...target,
        metadata: { ...target.metadata, name, labels: withPrimaryApp(target.metadata.labels, target.metadata.name) },
        spec: {
          ...target.spec,
          selector: { matchLabels: { app: name } },
          template: { ...target.spec.template, metadata: { ...target.spec.template.metadata, labels: withPrimaryApp(target.spec.template.metadata.labels, target.metadata.name) } },
        },
      } as unknown as ManifestObject);
    }
    if (spec.autoscalerRef) {
      created.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: primaryNameOf(spec.autoscalerRef.name), namespace: namespace! } });
    }
    for (const ref of runtimeObjectsOf(canary)) {
      created.push({ apiVersion: 'v1', kind: ref.kind, metadata: { name: ref.name, namespace: namespace! } });
    }
  }
  return created;
}
