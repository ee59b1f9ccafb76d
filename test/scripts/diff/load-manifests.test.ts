import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiffError } from '../../../scripts/diff/errors';
import { versionedKeyOf } from '../../../lib/manifest';
import { loadManifests } from '../../../scripts/diff/load-manifests';

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
    versionedKeyOf({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'one' }),
    versionedKeyOf({ apiVersion: 'v1', kind: 'Namespace', name: 'ns' }),
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

describe('what counts as a manifest, at the edges', () => {
  const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

  test('only .yaml and .yml files of environment folders; not the dashboards folder, not a folder named like a file', () => {
    write('dev/a.yaml', configMap('a'));
    write('dev/b.yml', configMap('b'));
    write('dev/c.yaml.bak', 'not: [yaml');
    write('dev/d.YAML', 'not: [yaml');
    write('dev/e.yamlx', 'not: [yaml');
    write('dev/f.yaml/inner.yaml', configMap('f'));
    write('dashboards/x.yaml', configMap('x'));
    write('top.yaml', configMap('top'));
    const manifests = loadManifests(dist);
    expect([...manifests.keys()]).toEqual(['dev']);
    expect([...manifests.get('dev')!.values()].map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  test('environments and files are read in name order', () => {
    write('b/z.yaml', configMap('z'));
    write('b/y.yaml', configMap('y'));
    write('a/x.yaml', configMap('x'));
    const manifests = loadManifests(dist);
    expect([...manifests.keys()]).toEqual(['a', 'b']);
    expect([...manifests.get('b')!.values()].map((o) => o.metadata.name)).toEqual(['y', 'z']);
  });

  test.each([
    ['apiVersion is not a string', 'apiVersion: 1\nkind: ConfigMap\nmetadata: {name: a}\n'],
    ['kind is missing', 'apiVersion: v1\nmetadata: {name: a}\n'],
    ['metadata is null', 'apiVersion: v1\nkind: ConfigMap\nmetadata: null\n'],
    ['metadata is a string', 'apiVersion: v1\nkind: ConfigMap\nmetadata: a\n'],
    ['metadata.name is a number', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 1}\n'],
    ['the document is a list', '- apiVersion: v1\n'],
    ['the document is a string', 'hello\n'],
  ])('fails when %s, naming the file and the document', (_case, text) => {
    write('dev/a.yaml', `${configMap('first')}---\n${text}`);
    expect(() => loadManifests(dist)).toThrow(new DiffError(`${path.join(dist, 'dev/a.yaml')}: document 2 lacks apiVersion, kind or metadata.name`));
  });

  test('the same name in two namespaces, or of two kinds, is no duplicate', () => {
    write('dev/a.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, namespace: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, namespace: b}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: one, namespace: a}\n`);
    expect(loadManifests(dist).get('dev')!.size).toBe(3);
  });

  test('a file where the directory should be is refused', () => {
    write('file', 'x');
    expect(() => loadManifests(path.join(dist, 'file'))).toThrow(new DiffError(`manifest directory '${path.join(dist, 'file')}' does not exist — does the synth command write to the --outdir it is given?`));
  });
});
