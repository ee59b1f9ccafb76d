/**
 * Generates imports/schema-index.json: for every Kubernetes 1.28 type and every pinned CRD,
 * the field names it allows and the type of each field.
 *
 *   node build/scripts/generate-schema-index.js <k8s _definitions.json> <crd.yaml>...
 *
 * Why: kubernetes-models validates types and required fields but lets unknown fields through
 * (`spec.replica` passes), and a typo'd field is silently dropped by the API server. The tests
 * walk every synthesized object against this index to reject unknown fields. The index holds
 * only names and references (no descriptions), so it is a small generated artefact like the
 * rest of imports/, not a copy of the schemas.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';

/** A field's type: `""` any value, a type name, `[]T` a list of T, `{}T` a map of T. */
type FieldType = string;

interface SchemaIndex {
  /** `apiVersion/kind` → root type name. */
  kinds: Record<string, string>;
  /** type name → field name → field type. */
  types: Record<string, Record<string, FieldType>>;
}

interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  allOf?: JsonSchema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

const REF_PREFIX = '#/definitions/';

function fieldType(schema: JsonSchema, index: SchemaIndex, nameForInline: string): FieldType {
  const ref = schema.$ref ?? schema.allOf?.find((s) => s.$ref)?.$ref;
  if (ref) return ref.slice(REF_PREFIX.length);
  if (schema['x-kubernetes-preserve-unknown-fields']) return '';
  if (schema.type === 'array' && schema.items) return `[]${fieldType(schema.items, index, `${nameForInline}[]`)}`;
  if (schema.properties) {
    addType(nameForInline, schema, index);
    return nameForInline;
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `{}${fieldType(schema.additionalProperties, index, `${nameForInline}{}`)}`;
  }
  return '';
}

function addType(name: string, schema: JsonSchema, index: SchemaIndex): void {
  const fields: Record<string, FieldType> = {};
  for (const field of Object.keys(schema.properties ?? {}).sort()) {
    fields[field] = fieldType(schema.properties![field]!, index, `${name}.${field}`);
  }
  index.types[name] = fields;
}

function indexKubernetes(definitionsFile: string, index: SchemaIndex): void {
  const { definitions } = JSON.parse(fs.readFileSync(definitionsFile, 'utf8')) as { definitions: Record<string, JsonSchema> };
  for (const name of Object.keys(definitions).sort()) {
    const schema = definitions[name]!;
    // Types without properties (Quantity, IntOrString, Time, RawExtension...) accept any value.
    if (!schema.properties) continue;
    addType(name, schema, index);
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      index.kinds[`${apiVersion}/${gvk.kind}`] ??= name;
    }
  }
}

interface Crd {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: JsonSchema } }[] };
}

function indexCrds(file: string, index: SchemaIndex): void {
  for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8')) as Crd[]) {
    if (doc?.kind !== 'CustomResourceDefinition') continue;
    for (const version of doc.spec.versions) {
      if (!version.schema) continue;
      const apiVersionKind = `${doc.spec.group}/${version.name}/${doc.spec.names.kind}`;
      index.kinds[apiVersionKind] = apiVersionKind;
      const root = { ...version.schema.openAPIV3Schema };
      // Every object carries standard ObjectMeta, which CRD schemas leave as a bare `type: object`.
      root.properties = { ...root.properties, metadata: { $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` } };
      addType(apiVersionKind, root, index);
    }
  }
}

function main(args: string[]): void {
  const [definitionsFile, ...crdFiles] = args;
  if (!definitionsFile || crdFiles.length === 0) {
    throw new Error('usage: generate-schema-index <k8s v1.28 _definitions.json> <crd.yaml>...');
  }
  const index: SchemaIndex = { kinds: {}, types: {} };
  indexKubernetes(definitionsFile, index);
  for (const file of crdFiles) indexCrds(file, index);
  const sorted: SchemaIndex = {
    kinds: Object.fromEntries(Object.entries(index.kinds).sort(([a], [b]) => a.localeCompare(b))),
    types: Object.fromEntries(Object.entries(index.types).sort(([a], [b]) => a.localeCompare(b))),
  };
  const out = path.join(__dirname, '..', '..', 'imports', 'schema-index.json');
  fs.writeFileSync(out, `${JSON.stringify(sorted, null, 1)}\n`);
  console.log(`${out}: ${Object.keys(sorted.kinds).length} kinds, ${Object.keys(sorted.types).length} types`);
}

main(process.argv.slice(2));
