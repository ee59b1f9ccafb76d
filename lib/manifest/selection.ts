/**
 * How objects of a set find each other by labels and by target: a selector choosing pods or
 * Services, an HPA naming the workload it scales.
 */
import { Json } from './object';
import { keyOf } from './ref';

/**
 * Whether a `matchLabels` selector selects an object with `labels`. An empty or absent selector
 * selects nothing here (Kubernetes reads an empty one as "everything"): a monitor would otherwise
 * depend on every object of its namespace, and one empty budget would cover every workload.
 */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The HPAs of a set by the {@link keyOf} key of the workload each scales (in the HPA's namespace). */
export function autoscalersByTarget<T extends Json>(objects: readonly T[]): Map<string, T> {
  const byTarget = new Map<string, T>();
  for (const object of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue;
    const target = object.spec?.scaleTargetRef;
    if (typeof target?.kind !== 'string' || typeof target.name !== 'string') continue;
    byTarget.set(keyOf({ kind: target.kind, name: target.name, namespace: object.metadata?.namespace }), object);
  }
  return byTarget;
}
