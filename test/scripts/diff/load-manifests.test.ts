import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiffError } from '../../../scripts/diff/errors';
import { identityKey, loadManifests } from '../../../scripts/diff/load-manifests';

let dist: string;
beforeEach(() => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'load-manifests-'));
});
afterEach(() => fs.rmSync(dist, { recursive: true, force: true }));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
  fs.writeFileSync(path.join(dist, file), text);
}

test('reads every multi-document YAML file per environment, keyed by identity', () => {
  write('dev/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, namespace: ns}\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n');
  write('dev/notes.txt', 'ignored');
  write('prod/b.yml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, namespace: ns}\ndata: {k: v}\n');
  write('README.md', 'not an environment');
  const manifests = loadManifests(dist);
  expect([...manifests.keys()]).toEqual(['dev', 'prod']);
  expect([...manifests.get('dev')!.keys()]).toEqual([
    identityKey({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'one' }),
    identityKey({ apiVersion: 'v1', kind: 'Namespace', name: 'ns' }),
  ]);
  expect(manifests.get('prod')!.values().next().value).toMatchObject({ data: { k: 'v' } });
});

test('rejects duplicates, non-objects, invalid YAML and a missing directory with the file named', () => {
  write('dev/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
  write('dev/b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
  expect(() => loadManifests(dist)).toThrow(new DiffError(`${path.join(dist, 'dev/b.yaml')}: duplicate ConfigMap 'one' in environment 'dev'`));

  write('dev/b.yaml', 'just: a map\n');
  expect(() => loadManifests(dist)).toThrow(`${path.join(dist, 'dev/b.yaml')}: document 1 lacks apiVersion, kind or metadata.name`);

  write('dev/b.yaml', 'a: [unclosed\n');
  expect(() => loadManifests(dist)).toThrow(/b\.yaml: document 1 is not valid YAML/);

  expect(() => loadManifests(path.join(dist, 'nope'))).toThrow(/does not exist .*--outdir/);
});
