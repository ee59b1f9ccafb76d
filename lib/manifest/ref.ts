/**
 * Naming a synthesized object: the reference other objects use (kind, namespace, name), its one
 * key format, its order and its rendering in messages. References in manifests (an HPA's
 * `scaleTargetRef`, a binding's `roleRef`) carry no API version, so the plain reference leaves
 * it out; the manifest diff, which must tell `autoscaling/v1` from `autoscaling/v2` of one HPA,
 * qualifies it with {@link VersionedRef}.
 */
import { ManifestObject } from './object';

/** Identifies an object of a set; `namespace` is absent for cluster-scoped objects. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** An {@link ObjectRef} with the API version its object was written in. */
export interface VersionedRef extends ObjectRef {
  readonly apiVersion: string;
}

/** The reference of an object. An empty namespace is none (Kubernetes reads it so). */
export function refOf(object: ManifestObject): ObjectRef {
  const { name, namespace } = object.metadata;
  return namespace ? { kind: object.kind, namespace, name } : { kind: object.kind, name };
}

/** {@link refOf} with the object's apiVersion, first (the order the diff's JSON report lists). */
export function versionedRefOf(object: ManifestObject): VersionedRef {
  return { apiVersion: object.apiVersion, ...refOf(object) };
}

/**
 * The stable identity of an object: `Kind/namespace/name` (`Kind//name` when cluster-scoped).
 * No field of a valid object holds a `/`, so two identities never run together.
 */
export function keyOf(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** {@link keyOf} qualified by the API version: `Kind/namespace/name@group/version`. */
export function versionedKeyOf(ref: VersionedRef): string {
  return `${keyOf(ref)}@${ref.apiVersion}`;
}

/** UTF-16 code-unit order, not the locale's: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order reports list objects in: kind, then namespace (none first), then name, then apiVersion. */
export function compareRefs(a: ObjectRef & { readonly apiVersion?: string }, b: ObjectRef & { readonly apiVersion?: string }): number {
  return compareText(a.kind, b.kind)
    || compareText(a.namespace ?? '', b.namespace ?? '')
    || compareText(a.name, b.name)
    || compareText(a.apiVersion ?? '', b.apiVersion ?? '');
}

/** `Deployment agent-worker`, or `Deployment agentaskit/agent-worker` for namespaced objects: how messages name an object. */
export function formatRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
