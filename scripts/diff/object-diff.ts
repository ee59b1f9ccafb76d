/**
 * Pure structural diff of two JSON-like values (parsed Kubernetes objects).
 *
 * Output is a flat list of leaf-level field changes whose order depends only on
 * the inputs: object keys are visited in sorted order and list items with an identity
 * field (`name`, else `alert`/`record`) are matched (and visited) by it, so reordering
 * containers/env/ports or alert rules is not a change.
 */
import { isPlainObject } from '../../lib/manifest';

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

/**
 * Fields that identify a list item: `name` (containers, env, ports, volumes, rule groups), else
 * `alert` / `record` (PrometheusRule rules carry no `name`).
 */
const IDENTITY_FIELDS = ['name', 'alert', 'record'] as const;

function identityOf(item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined;
  return IDENTITY_FIELDS.map((f) => item[f]).find((v): v is string => typeof v === 'string');
}

interface KeyedItem {
  /** Rendered path: `[worker]`, `["a b"]`, or `[X#2]` for the 2nd item with identity `X`. */
  path: string;
  item: unknown;
}

/**
 * A list's items by identity and occurrence (`X\0` + zero-padded count, so sorting the keys
 * orders by identity, then occurrence). Items sharing an identity (burn-rate alerts share an
 * alert name) are told apart, and matched, by occurrence order. Undefined when some item
 * has no identity field: then position is the only identity we have.
 */
function keyedItems(parent: string, list: unknown[]): Map<string, KeyedItem> | undefined {
  const keyed = new Map<string, KeyedItem>();
  const seen = new Map<string, number>();
  for (const item of list) {
    const id = identityOf(item);
    if (id === undefined) return undefined;
    const occurrence = (seen.get(id) ?? 0) + 1;
    seen.set(id, occurrence);
    const shown = SIMPLE_NAME.test(id) ? id : JSON.stringify(id);
    const path = `${parent}[${shown}${occurrence > 1 ? `#${occurrence}` : ''}]`;
    keyed.set(`${id}\0${String(occurrence).padStart(9, '0')}`, { path, item });
  }
  return keyed;
}

function diffAt(path: string, before: unknown, after: unknown, out: FieldChange[]): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) visitPair(keySegment(path, key), key in before, before[key], key in after, after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const beforeKeyed = keyedItems(path, before);
    const afterKeyed = keyedItems(path, after);
    // An empty list has no items without identity, so it adopts the other side's matching mode.
    if (beforeKeyed && afterKeyed) {
      const keys = [...new Set([...beforeKeyed.keys(), ...afterKeyed.keys()])].sort();
      for (const key of keys) {
        const b = beforeKeyed.get(key);
        const a = afterKeyed.get(key);
        visitPair((b ?? a)!.path, b !== undefined, b?.item, a !== undefined, a?.item, out);
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
  else out.push({ path, op: 'removed', before });
}

/** Field-level changes from `before` to `after`; empty when they are structurally equal. */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  diffAt('', before, after, out);
  return out;
}
