import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isManifestObject, ManifestObject, versionedKeyOf, versionedRefOf } from '../../lib/manifest';
import { DASHBOARDS_FOLDER } from '../../stacks/layout';
import { DiffError } from './errors';

/**
 * environment name → identity key ({@link versionedKeyOf}: the API version counts, so an HPA
 * moved from autoscaling/v1 to v2 shows as one removed and one added) → object
 */
export type Manifests = Map<string, Map<string, ManifestObject>>;

/** Entries by name, whatever order the file system lists them in (names in a directory are unique). */
function sortedEntries(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Parses every document of one YAML file, rejecting anything that is not an identifiable Kubernetes object. */
function loadFile(file: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  parseAllDocuments(fs.readFileSync(file, 'utf8')).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new DiffError(`${file}: document ${index + 1} is not valid YAML: ${doc.errors[0].message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null) return; // empty document, e.g. a trailing `---` (toJS() gives null)
    if (!isManifestObject(value)) {
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
    const objects = new Map<string, ManifestObject>();
    for (const fileEntry of sortedEntries(envDir)) {
      if (!fileEntry.isFile() || !/\.ya?ml$/.test(fileEntry.name)) continue;
      const file = path.join(envDir, fileEntry.name);
      for (const obj of loadFile(file)) {
        const key = versionedKeyOf(versionedRefOf(obj));
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
