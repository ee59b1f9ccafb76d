/** Hand-made manifest objects for tests that read objects field by field. */
import { ManifestObject } from '../../lib/manifest';

/** An object of `apiVersion`/`kind` named `name`, in `namespace` (cluster-scoped when undefined), with `fields` beside its metadata. */
export function manifestObject(apiVersion: string, kind: string, name: string, namespace: string | undefined, fields: Record<string, unknown> = {}): ManifestObject {
  return { apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace }, ...fields };
}
