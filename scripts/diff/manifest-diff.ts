import { diffObjects, type FieldChange } from './object-diff';
import { refOf, type K8sObject, type Manifests, type ObjectRef } from './load-manifests';

/** A field change as reported: Secret payloads keep their path but lose their values. */
export interface ReportedChange extends FieldChange {
  hidden?: true;
}

export interface ChangedObject {
  ref: ObjectRef;
  changes: ReportedChange[];
}

export interface EnvironmentDiff {
  env: string;
  added: ObjectRef[];
  removed: ObjectRef[];
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
function maskSecretValues(obj: K8sObject, changes: FieldChange[]): ReportedChange[] {
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
    const before = base.get(env) ?? new Map<string, K8sObject>();
    const after = head.get(env) ?? new Map<string, K8sObject>();
    // Default sort compares UTF-16 code units: locale-independent, hence stable across machines.
    const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
    const result: EnvironmentDiff = { env, added: [], removed: [], changed: [] };
    for (const key of keys) {
      const oldObj = before.get(key);
      const newObj = after.get(key);
      if (oldObj && newObj) {
        const changes = maskSecretValues(newObj, diffObjects(oldObj, newObj));
        if (changes.length > 0) result.changed.push({ ref: refOf(newObj), changes });
      } else if (newObj) {
        result.added.push(refOf(newObj));
      } else if (oldObj) {
        result.removed.push(refOf(oldObj));
      }
    }
    return result;
  });
}

export function hasChanges(diff: EnvironmentDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length > 0;
}
