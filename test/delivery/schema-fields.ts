/**
 * Unknown-field check against imports/schema-index.json (generated from the pinned Kubernetes
 * 1.28 and CRD schemas). The typed classes catch wrong fields at compile time only where props
 * are typed; this walks the synthesized JSON, so a JSON patch or an `any` field cannot smuggle a
 * field the API server would silently drop. Minimal on purpose: names only, not value types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface SchemaIndex {
  readonly kinds: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const index = JSON.parse(fs.readFileSync(path.join(__dirname, '../../imports/schema-index.json'), 'utf8')) as SchemaIndex;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(value: unknown, type: string, at: string, problems: string[]): void {
  if (type === '') return;
  if (type.startsWith('[]')) {
    if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
    else value.forEach((item, i) => walk(item, type.slice(2), `${at}[${i}]`, problems));
    return;
  }
  if (type.startsWith('{}')) {
    if (!isObject(value)) problems.push(`${at}: expected a map`);
    else Object.entries(value).forEach(([k, v]) => walk(v, type.slice(2), `${at}.${k}`, problems));
    return;
  }
  const fields = index.types[type];
  if (!fields) return; // a type without properties (Quantity, IntOrString, Time): any value
  if (!isObject(value)) {
    problems.push(`${at}: expected an object of type ${type}`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (!(key in fields)) problems.push(`${at}.${key}: unknown field (known: ${Object.keys(fields).join(', ')})`);
    else walk(child, fields[key]!, `${at}.${key}`, problems);
  }
}

/** Every field of `object` that its kind's schema does not define, as `Kind/name.path: …`. */
export function unknownFields(object: { apiVersion: string; kind: string; metadata: { name: string } }): string[] {
  const root = index.kinds[`${object.apiVersion}/${object.kind}`];
  const at = `${object.kind}/${object.metadata.name}`;
  if (!root) return [`${at}: no schema for ${object.apiVersion}/${object.kind}`];
  const problems: string[] = [];
  walk(object, root, at, problems);
  return problems;
}
