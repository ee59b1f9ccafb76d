/**
 * A synthesized Kubernetes object as plain JSON, the one shape the Pulumi program, the policy
 * pack and the manifest diff read. Only the identity fields are typed: every other field is read
 * generically, since a chart may add objects of any kind.
 */

/** A synthesized Kubernetes object, as plain JSON. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** A manifest read generically: objects of many kinds, fields that may be absent. */
export type Json = Record<string, any>;

/** A JSON object (not null, not a list): what can hold named fields. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether parsed YAML is an object this model can identify: apiVersion, kind and metadata.name set. */
export function isManifestObject(value: unknown): value is ManifestObject {
  const v = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } | null } | null;
  return typeof v?.apiVersion === 'string' && typeof v.kind === 'string' && typeof v.metadata?.name === 'string';
}

/**
 * `apps/v1` → { group: 'apps', version: 'v1' }; `v1` → { group: '', version: 'v1' } (the core
 * group has no name). The last `/` splits, so a group may itself hold dots but never a slash.
 */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The API group of an object (`''` for the core group): kinds are only unique within a group. */
export function groupOf(object: { readonly apiVersion: string }): string {
  return splitApiVersion(object.apiVersion).group;
}
