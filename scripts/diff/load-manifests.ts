import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DASHBOARDS_FOLDER } from '../../stacks/layout';
import { DiffError } from './errors';

/** A parsed Kubernetes object; only the identity fields are assumed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** environment name → identity key → object */
export type Manifests = Map<string, Map<string, K8sObject>>;

export function refOf(obj: K8sObject): ObjectRef {
  const { apiVersion, kind } = obj;
  const { name, namespace } = obj.metadata;
  return namespace ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
}

/**
 * Identity key that also sorts objects the way reports list them: kind, then
 * namespace, then name, with apiVersion last to separate e.g. HPA v1 from v2.
 * NUL separators keep "a" + "bc" from colliding with "ab" + "c".
 */
export function identityKey(ref: ObjectRef): string {
  return [ref.kind, ref.namespace ?? '', ref.name, ref.apiVersion].join('\u0000');
}

function isK8sObject(doc: unknown): doc is K8sObject {
  const d = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } | null } | null;
  return typeof d?.apiVersion === 'string' && typeof d.kind === 'string' && typeof d.metadata?.name === 'string';
}

/** Entries by name, whatever order the file system lists them in (names in a directory are unique). */
function sortedEntries(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Parses every document of one YAML file, rejecting anything that is not an identifiable Kubernetes object. */
function loadFile(file: string): K8sObject[] {
  const objects: K8sObject[] = [];
  parseAllDocuments(fs.readFileSync(file, 'utf8')).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new DiffError(`${file}: document ${index + 1} is not valid YAML: ${doc.errors[0].message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null) return; // empty document, e.g. a trailing `---` (toJS() gives null)
    if (!isK8sObject(value)) {
      throw new DiffError(`${file}: document ${index + 1} lacks apiVersion, kind or metadata.name`);
    }
    objects.push(value);
  });
  return objects;
}

/**
 * Reads `<distDir>/<env>/*.yaml` (every sub-directory but the dashboards JSON's is an environment) into
 * objects keyed by identity. Two objects with one identity in an environment are
 * an error: a diff could not say which of them changed.
 */
export function loadManifests(distDir: string): Manifests {
  if (!fs.existsSync(distDir) || !fs.statSync(distDir).isDirectory()) {
    throw new DiffError(`manifest directory '${distDir}' does not exist — does the synth command write to the --outdir it is given?`);
  }
  const manifests: Manifests = new Map();
  for (const envEntry of sortedEntries(distDir)) {
    if (!envEntry.isDirectory() || envEntry.name === DASHBOARDS_FOLDER) continue;
    const envDir = path.join(distDir, envEntry.name);
    const objects = new Map<string, K8sObject>();
    for (const fileEntry of sortedEntries(envDir)) {
      if (!fileEntry.isFile() || !/\.ya?ml$/.test(fileEntry.name)) continue;
      const file = path.join(envDir, fileEntry.name);
      for (const obj of loadFile(file)) {
        const key = identityKey(refOf(obj));
        if (objects.has(key)) {
          throw new DiffError(`${file}: duplicate ${obj.kind} '${obj.metadata.name}' in environment '${envEntry.name}'`);
        }
        objects.set(key, obj);
      }
    }
    manifests.set(envEntry.name, objects);
  }
  return manifests;
}
