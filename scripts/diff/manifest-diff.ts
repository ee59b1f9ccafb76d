import { diffObjects, type FieldChange } from './object-diff';
import { compareRefs, versionedRefOf, type ManifestObject, type VersionedRef } from '../../lib/manifest';
import type { Manifests } from './load-manifests';

/** A field change as reported: Secret payloads keep their path but lose their values. */
export interface ReportedChange extends FieldChange {
  hidden?: true;
}

export interface ChangedObject {
  ref: VersionedRef;
  changes: ReportedChange[];
}

export interface EnvironmentDiff {
  env: string;
  added: VersionedRef[];
  removed: VersionedRef[];
  changed: ChangedObject[];
}

/** Known environments in promotion order; any others follow alphabetically. */
const ENV_ORDER = ['dev', 'staging', 'production'];

function compareEnvs(a: string, b: string): number {
  const [ia, ib] = [ENV_ORDER.indexOf(a), ENV_ORDER.indexOf(b)].map((i) => (i === -1 ? ENV_ORDER.length : i));
  return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
}

const SECRET_PAYLOAD = /^(data|stringData)([.[]|$)/;

/** Secret values must never reach a PR comment, not even base64-encoded. */
function maskSecretValues(obj: ManifestObject, changes: FieldChange[]): ReportedChange[] {
  if (obj.kind !== 'Secret') return changes;
  return changes.map((change) =>
    SECRET_PAYLOAD.test(change.path) ? { path: change.path, op: change.op, hidden: true } : change,
  );
}

/**
 * Compares every environment present on either side. An environment that exists
 * on one side only shows all of its objects as added (or removed).
 * Environments with no differences are still listed so the summary is complete.
 */
export function diffManifests(base: Manifests, head: Manifests): EnvironmentDiff[] {
  const envs = [...new Set([...base.keys(), ...head.keys()])].sort(compareEnvs);
  return envs.map((env) => {
    const before = base.get(env) ?? new Map<string, ManifestObject>();
    const after = head.get(env) ?? new Map<string, ManifestObject>();
    const refs = new Map([...before, ...after].map(([key, obj]) => [key, versionedRefOf(obj)]));
    const keys = [...refs.keys()].sort((a, b) => compareRefs(refs.get(a)!, refs.get(b)!));
    const result: EnvironmentDiff = { env, added: [], removed: [], changed: [] };
    for (const key of keys) {
      const oldObj = before.get(key);
      const newObj = after.get(key);
      if (oldObj && newObj) {
        const changes = maskSecretValues(newObj, diffObjects(oldObj, newObj));
        if (changes.length > 0) result.changed.push({ ref: refs.get(key)!, changes });
      } else if (newObj) {
        result.added.push(refs.get(key)!);
      } else if (oldObj) {
        result.removed.push(refs.get(key)!);
      }
    }
    return result;
  });
}

export function hasChanges(diff: EnvironmentDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length > 0;
}
