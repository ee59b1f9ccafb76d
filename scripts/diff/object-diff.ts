/**
 * Pure structural diff of two JSON-like values (parsed Kubernetes objects).
 *
 * Output is a flat list of leaf-level field changes whose order depends only on
 * the inputs: object keys are visited in sorted order and named list items are
 * matched (and visited) by name, so reordering containers/env/ports is not a change.
 */

export type ChangeOp = 'added' | 'removed' | 'changed';

export interface FieldChange {
  /** Rendered path, e.g. `spec.template.spec.containers[worker].image`. */
  path: string;
  op: ChangeOp;
  /** Absent when op is `added`. */
  before?: unknown;
  /** Absent when op is `removed`. */
  after?: unknown;
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Keys that are safe to print with dot notation; everything else (labels like `app.kubernetes.io/name`) is quoted. */
const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const SIMPLE_NAME = /^[A-Za-z0-9_.:\/-]+$/;

export function keySegment(parent: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function nameSegment(parent: string, name: string): string {
  return `${parent}[${SIMPLE_NAME.test(name) ? name : JSON.stringify(name)}]`;
}

/**
 * A list is matched by name when every item (on both sides) is an object with a
 * unique string `name`; otherwise position is the only identity we have.
 */
function namedItems(list: unknown[]): Map<string, unknown> | undefined {
  const byName = new Map<string, unknown>();
  for (const item of list) {
    if (!isPlainObject(item) || typeof item.name !== 'string' || byName.has(item.name)) return undefined;
    byName.set(item.name, item);
  }
  return byName;
}

function diffAt(path: string, before: unknown, after: unknown, out: FieldChange[]): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) visitPair(keySegment(path, key), key in before, before[key], key in after, after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const beforeNamed = namedItems(before);
    const afterNamed = namedItems(after);
    // Empty lists carry no names, so they adopt the other side's matching mode.
    if (beforeNamed && afterNamed && (before.length > 0 || after.length > 0)) {
      const names = [...new Set([...beforeNamed.keys(), ...afterNamed.keys()])].sort();
      for (const name of names) {
        visitPair(nameSegment(path, name), beforeNamed.has(name), beforeNamed.get(name), afterNamed.has(name), afterNamed.get(name), out);
      }
      return;
    }
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) {
      visitPair(`${path}[${i}]`, i < before.length, before[i], i < after.length, after[i], out);
    }
    return;
  }
  out.push({ path, op: 'changed', before, after });
}

function visitPair(path: string, hasBefore: boolean, before: unknown, hasAfter: boolean, after: unknown, out: FieldChange[]): void {
  if (hasBefore && hasAfter) diffAt(path, before, after, out);
  else if (hasAfter) out.push({ path, op: 'added', after });
  else if (hasBefore) out.push({ path, op: 'removed', before });
}

/** Field-level changes from `before` to `after`; empty when they are structurally equal. */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  diffAt('', before, after, out);
  return out;
}
