/**
 * Schema validation of synthesized objects, in two layers:
 * 1. kubernetes-models (Kubernetes 1.28 API, prometheus-operator CRDs): types, formats, required
 *    fields, enums.
 * 2. imports/schema-index.json (generated from the pinned Kubernetes and CRD schemas): unknown
 *    fields, which kubernetes-models lets through (`spec.replica` passes it; the API server would
 *    silently drop it).
 */
import * as schemaIndex from '../../imports/schema-index.json';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

interface SchemaIndex {
  readonly kinds: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
const INDEX = schemaIndex as unknown as SchemaIndex;

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

/** `apps/v1` → `kubernetes-models/apps/v1/<Kind>`; `v1` → `kubernetes-models/v1/<Kind>`. */
function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  const candidates = apiVersion.startsWith('monitoring.coreos.com/')
    ? [`@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`]
    : [`kubernetes-models/${apiVersion}/${kind}`];
  for (const modulePath of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(modulePath) as Record<string, ModelClass>;
      if (mod[kind]) return mod[kind];
    } catch {
      // not a kind this package models
    }
  }
  return undefined;
}

/** Paths of fields the schema does not define, e.g. `spec.replica`. */
export function unknownFields(object: KubeObject): string[] {
  const root = INDEX.kinds[`${object.apiVersion}/${object.kind}`];
  if (!root) return [`<root>: no schema for ${object.apiVersion}/${object.kind}`];
  const problems: string[] = [];
  const walk = (value: unknown, type: string, path: string): void => {
    if (type === '' || value === null || value === undefined) return;
    if (type.startsWith('[]')) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, type.slice(2), `${path}[${i}]`));
      return;
    }
    if (type.startsWith('{}')) {
      if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, type.slice(2), `${path}.${k}`);
      return;
    }
    const fields = INDEX.types[type];
    if (!fields || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      const childType = fields[key];
      if (childType === undefined) problems.push(childPath);
      else walk(child, childType, childPath);
    }
  };
  walk(object, root, '');
  return problems;
}

/** Every schema problem of an object; empty when it is valid. */
export function schemaProblems(object: KubeObject): string[] {
  const problems = unknownFields(object).map((path) => `unknown field ${path}`);
  const Model = modelClass(object.apiVersion, object.kind);
  if (Model) {
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push((error as Error).message);
    }
  } else if (!object.apiVersion.startsWith('flagger.app/')) {
    // Flagger has no kubernetes-models package; its CRs are checked by the field index and by
    // the typed classes cdk8s generated from the same CRD. Anything else must be modelled.
    problems.push(`no kubernetes-models class for ${object.apiVersion}/${object.kind}`);
  }
  return problems;
}
