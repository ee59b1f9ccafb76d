/**
 * Every file we write loads to the same data under a YAML 1.2 reader (the `yaml` package, like
 * kubectl) and a YAML 1.1 reader (PyYAML, like Ansible and checkov): checked on every
 * environment's output and on the committed plain rule files, plus the tricky scalars one by one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { toYaml } from '../../lib/yaml';
import { renderEnvironment } from '../../stacks/synth';
import { allSynthesized } from '../support/environments';
import { loadWithPyYaml } from '../support/tools';

/** Documents of `text` under the YAML 1.2 core schema, as JSON data. */
function loadWithYaml12(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.2', schema: 'core' }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
    return doc.toJS();
  });
}

/** label → text of every YAML file `npm run synth` writes, and of the generated plain files. */
function writtenYamlFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const env of allSynthesized()) {
    for (const [file, text] of renderEnvironment(env)) if (file.endsWith('.yaml')) files.set(`dist/${env.config.environment}/${file}`, text);
  }
  for (const file of ['alerts/wf-001.yaml', 'alerts/alertmanager.yml']) files.set(file, fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8'));
  return files;
}

test('every written YAML file loads to the same data under YAML 1.1 (PyYAML) and YAML 1.2', () => {
  const files = writtenYamlFiles();
  expect(files.size).toBeGreaterThan(100);
  const yaml11 = loadWithPyYaml(files);
  const differing = [...files].filter(([label, text]) => JSON.stringify(yaml11.get(label)) !== JSON.stringify(loadWithYaml12(text))).map(([label]) => label);
  expect(differing).toEqual([]);
});

test('each manifest reads back as exactly the synthesized object under both readers', () => {
  const objects = allSynthesized().flatMap((env) => env.objects.map((o) => [`${env.config.environment}/${o.kind}/${o.metadata.name}`, o] as const));
  const yaml11 = loadWithPyYaml(new Map(objects.map(([label, o]) => [label, toYaml(o)])));
  for (const [label, o] of objects) {
    expect([label, loadWithYaml12(toYaml(o))]).toEqual([label, [o]]);
    expect([label, yaml11.get(label)]).toEqual([label, [o]]);
  }
});

// Each of these is read differently by YAML 1.1 and 1.2 (or breaks one of them) when unquoted.
const TRICKY = [
  '=', '=~', 'yes', 'No', 'on', 'OFF', 'y', 'N', 'null', '~', '', ' ', 'a: b', 'a:', 'a #b', '#x', '1:20', '010', '0o17', '0x1f',
  '1e3', '1_000', '.inf', '.NaN', '1.4.2', '2026-11-30', '<<', '- a', '? a', '!tag', '&a', '*a', '|', '>', '%x', '@x', '"q"', "'s'", 'both " and \'', 'a="b" x', "it's",
  '[a]', '{a}', 'a\nb', 'a\nb\n', 'a\nb\n\n', '\n', '  lead\nx', 'x\n   \ny', 'crlf\r\nx', 'u\u2028v', 'nel\u0085x', 'bom\ufeff',
  'del\u007f', 'tab\tx', 'é 日本 😀', '0xff', '1E', '100m', '128Mi', '25%', '30s',
];

const trickyDocs = new Map(TRICKY.map((value) => [JSON.stringify(value), { [value]: value, list: [value, [value], { [value]: value }] }] as const));
const numbersDoc = { numbers: [0, 1, -1, 0.5, 1e21, 1e-7, -2.5e30, 123456789012], flags: [true, false, null], empty: { list: [], map: {} } };
let pyyaml: Map<string, unknown[]>;
// One PyYAML process for all cases (python3 takes ~0.2 s to start).
beforeAll(() => {
  pyyaml = loadWithPyYaml(new Map([...[...trickyDocs].map(([label, doc]) => [label, toYaml(doc)] as const), ['numbers', toYaml(numbersDoc)]]));
});

test.each([...trickyDocs.keys()])('the string %s reads back as itself under both readers', (label) => {
  const doc = trickyDocs.get(label)!;
  expect(loadWithYaml12(toYaml(doc))).toEqual([doc]);
  expect(pyyaml.get(label)).toEqual([doc]);
});

test('numbers, booleans, null and empty collections read back as themselves under both readers', () => {
  expect(loadWithYaml12(toYaml(numbersDoc))).toEqual([numbersDoc]);
  expect(pyyaml.get('numbers')).toEqual([numbersDoc]);
});

test('keeps Kubernetes conventions readable: quantities, names and paths unquoted, multi-line text as a literal block', () => {
  expect(toYaml({ cpu: '100m', memory: '128Mi', maxSurge: '25%', name: 'agent-worker', path: '/app/bin/drain', text: 'a\nb\n' })).toBe(
    'cpu: 100m\nmemory: 128Mi\nmaxSurge: 25%\nname: agent-worker\npath: /app/bin/drain\ntext: |\n  a\n  b\n',
  );
  expect(toYaml({ matchType: '=' })).toBe('matchType: "="\n');
});

test('fails on values JSON cannot hold, naming where', () => {
  expect(() => toYaml({ spec: { replicas: Number.NaN } })).toThrow('Invalid data for toYaml:\n  - .spec.replicas = "NaN": use a finite number: JSON (and so a Kubernetes object) cannot hold it.');
  expect(() => toYaml({ spec: { f: () => 1 } })).toThrow('Invalid data for toYaml:\n  - .spec.f = "a function": use JSON data: a string, number, boolean, null, array or object.');
});
