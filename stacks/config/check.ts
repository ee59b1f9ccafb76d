/**
 * A small declarative schema for environment config: each leaf says what it accepts and how to
 * fix a bad value, so every error names the environment, the field, the value and the fix.
 */
import { Problem } from '../../lib/invalid';
import { isPlainObject } from '../../lib/manifest';
import { parseImage, pinnedExample } from '../../lib/workloads/image';

export type Rule = (
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number; /** Why the bounds, said in the fix. */ readonly why?: string }
  | { readonly kind: 'number'; readonly above: number; readonly max: number; readonly unit: string }
  | { readonly kind: 'string'; readonly pattern: RegExp; readonly example: string }
  | { readonly kind: 'image'; readonly example: string }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'labels' }
  | { readonly kind: 'cidrs'; readonly allowEmpty: boolean }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Rule>> }
) & {
  /**
   * The field may be left out: the construct it configures has a documented default for it, and
   * a value written here as well would state the same fact twice (BASE says only what production
   * decides). An explicit `undefined` is the same as leaving it out.
   */
  readonly optional?: true;
};

/** `rule`, for a field that may be left out (see Rule.optional). */
export function optional<const R extends Rule>(rule: R): R & { readonly optional: true } {
  return { ...rule, optional: true };
}

/**
 * The values a rule accepts, as a type: the environment config's type is `Accepted<typeof SCHEMA>`,
 * so a field is declared once, with its doc comment, in the schema.
 */
export type Accepted<R extends Rule> = R extends { readonly kind: 'integer' | 'number' }
  ? number
  : R extends { readonly kind: 'string' | 'image' }
    ? string
    : R extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] }
      ? V
      : R extends { readonly kind: 'labels' }
        ? Readonly<Record<string, string>>
        : R extends { readonly kind: 'cidrs' }
          ? readonly string[]
          : R extends { readonly kind: 'object'; readonly fields: infer F extends Readonly<Record<string, Rule>> }
            ? Fields<F>
            : never;

type OptionalKeys<F> = { [K in keyof F]: F[K] extends { readonly optional: true } ? K : never }[keyof F];
type Fields<F extends Readonly<Record<string, Rule>>> = {
  readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Accepted<F[K]>;
} & { readonly [K in OptionalKeys<F>]?: Accepted<F[K]> };

// Label keys and values as Kubernetes validates them (apimachinery IsQualifiedName, IsValidLabelValue).
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

const LABEL_KEY_FIX =
  'use a valid Kubernetes label key: a name of at most 63 alphanumerics, "-", "_" and ".", starting and ending alphanumeric, ' +
  'optionally after a prefix and "/" (a DNS subdomain of at most 253 characters, e.g. "app.kubernetes.io/name")';
const LABEL_VALUE_FIX = 'use a valid Kubernetes label value: a string of at most 63 alphanumerics, "-", "_" and ".", starting and ending alphanumeric (or empty)';

/** `[prefix/]name`: an optional DNS subdomain of at most 253 characters, a name of at most 63. */
function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const [prefix, name] = slash === -1 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  return name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
}

function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

function isCidr(value: string): boolean {
  const m = CIDR.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** Checks `value` against `rule`; returns every problem found (empty when valid). */
export function check(rule: Rule, value: unknown, path: string): Problem[] {
  const problem = (fix: string): Problem[] => [{ path, value, fix }];
  switch (rule.kind) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || (rule.max !== undefined && value > rule.max)) {
        return problem(`use a whole number ${rule.max === undefined ? `of at least ${rule.min}` : `from ${rule.min} to ${rule.max}`}${rule.why ? `: ${rule.why}` : ''}`);
      }
      return [];
    case 'number':
      if (typeof value !== 'number' || !(value > rule.above && value <= rule.max)) {
        return problem(`use a number above ${rule.above} and at most ${rule.max} ${rule.unit}`);
      }
      return [];
    case 'string':
      if (typeof value !== 'string' || !rule.pattern.test(value)) return problem(`use a value like "${rule.example}"`);
      return [];
    case 'image': {
      if (typeof value !== 'string') return problem(`use an image reference pinned by tag or digest, e.g. "${rule.example}"`);
      const parsed = parseImage(value);
      return 'problem' in parsed ? problem(`the image ${parsed.problem}; pin it by tag or digest, e.g. "${pinnedExample(value, rule.example)}"`) : [];
    }
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) return problem(`use one of ${rule.values.map((v) => `"${v}"`).join(', ')}`);
      return [];
    case 'labels':
      if (!isPlainObject(value)) return problem('use a map of label keys to values');
      return Object.entries(value).flatMap(([k, v]) => {
        if (!isLabelKey(k)) return [{ path: `${path}.${k}`, value: v, fix: LABEL_KEY_FIX }];
        return isLabelValue(v) ? [] : [{ path: `${path}.${k}`, value: v, fix: LABEL_VALUE_FIX }];
      });
    case 'cidrs':
      if (!Array.isArray(value) || (!rule.allowEmpty && value.length === 0)) return problem('use a list of IPv4 CIDRs like "10.0.0.1/32"');
      return value.flatMap((v, i) => (typeof v === 'string' && isCidr(v) ? [] : [{ path: `${path}[${i}]`, value: v, fix: 'use an IPv4 CIDR like "10.0.0.1/32"' }]));
    case 'object':
      if (!isPlainObject(value)) return problem('use an object');
      return [
        ...Object.keys(value)
          .filter((k) => !(k in rule.fields))
          .map((k) => ({ path: `${path}.${k}`, value: value[k], fix: `remove it: known fields are ${Object.keys(rule.fields).join(', ')}` })),
        ...Object.entries(rule.fields).flatMap(([k, child]) => {
          if (child.optional && value[k] === undefined) return [];
          return k in value ? check(child, value[k], `${path}.${k}`) : [{ path: `${path}.${k}`, value: undefined, fix: 'set it (it is required)' }];
        }),
      ];
  }
}

/** Problems with the keys of an override: unknown fields, checked before merging. */
export function unknownKeys(rule: Rule, override: unknown, path: string): Problem[] {
  if (rule.kind !== 'object' || !isPlainObject(override)) return [];
  return Object.entries(override).flatMap(([k, v]) => {
    const child = rule.fields[k];
    if (!child) return [{ path: `${path}.${k}`, value: v, fix: `remove it: known fields are ${Object.keys(rule.fields).join(', ')}` }];
    return unknownKeys(child, v, `${path}.${k}`);
  });
}

