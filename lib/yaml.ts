/**
 * YAML for every file the package writes (manifests, rule files, Alertmanager config), readable
 * to the same data by YAML 1.2 readers (kubectl, the `yaml` package, Go's yaml.v3) and YAML 1.1
 * readers (PyYAML and so Ansible and checkov, Ruby's Psych, Go's yaml.v2).
 *
 * The two versions disagree on plain (unquoted) scalars: 1.1 reads `yes`, `on`, `y` as booleans,
 * `1:20` as a base-60 number, `=` as its "value" type (PyYAML cannot construct it), `010` as
 * octal; it also treats U+0085, U+2028 and U+2029 as line breaks. So a string is written plain
 * only when it is plainly a string to both: it starts with a letter, `_` or `/`, holds only
 * characters without any YAML meaning, and is no 1.1 boolean or null word. Multi-line strings
 * become literal blocks (the same in both versions); everything else is quoted: single quotes
 * when that needs no escape, else double quotes with escapes both versions share. Keys keep
 * their order, so the same value always gives the same bytes. Only JSON data is accepted: that
 * is all a Kubernetes object can hold.
 */
import { invalid } from './invalid';

/** Words YAML 1.1 (or one of its readers) resolves to a boolean or null, in any case. */
const RESERVED_WORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);

/**
 * Plain-safe: a first character that is no indicator and no digit, sign or dot (numbers,
 * timestamps, `.inf`), then letters, digits and `_ . / - ( ) %`, single inner spaces, and `:`
 * only between such characters (`: ` would start a mapping, a trailing `:` a key).
 */
const PLAIN = /^[A-Za-z_/](?:[A-Za-z0-9_./()%-]|:(?=[A-Za-z0-9_./()%-])| (?=[A-Za-z0-9_./()%-]))*$/;

/**
 * A Kubernetes quantity or duration (`100m`, `128Mi`, `25%`, `30s`): digits, then a unit that
 * no YAML number syntax continues (unlike `0x…`, `0o…`, `1e3`), so plain in both versions.
 */
const QUANTITY = /^[0-9]+(?:\.[0-9]+)?(?:m|[KMGTPE]i|[kMGTPE]|%|ms|s|h)$/;

/**
 * Characters a double-quoted scalar must escape: C0 and C1 controls and DEL (not printable in
 * YAML), the 1.1 line breaks U+0085/U+2028/U+2029, the BOM, lone surrogates, U+FFFE/U+FFFF.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Characters that rule out a literal block (they would be escaped, or read as line breaks). */
const NOT_LITERAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/;

const INDENT = '  ';

function quoted(value: string): string {
  // PromQL and label selectors are full of `"`: single quotes (whose only escape is `''`) keep
  // them readable, when the string has no `'` and nothing that needs a backslash escape.
  if (value.includes('"') && !value.includes("'") && !NOT_LITERAL.test(value) && !value.includes('\n') && !value.includes('\t')) return `'${value}'`;
  // JSON's escapes (\" \\ \b \f \n \r \t \uXXXX) are all YAML 1.1 and 1.2 double-quoted escapes.
  return JSON.stringify(value).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isPlain(value: string): boolean {
  return QUANTITY.test(value) || (PLAIN.test(value) && !RESERVED_WORDS.has(value.toLowerCase()));
}

/** A one-line scalar: plain when safe, else double-quoted. */
function inlineString(value: string): string {
  return isPlain(value) ? value : quoted(value);
}

/**
 * A literal block (`|`), for strings with line breaks. Chomping keeps the exact trailing
 * newlines: `|-` none, `|` one, `|+` more. A first line starting with a space or tab would set
 * the block's indentation, so such strings (and ones with characters a block cannot hold) are
 * double-quoted instead.
 */
function literalBlock(value: string, indent: string): string | undefined {
  const body = value.replace(/\n+$/, '');
  // Blank-only lines (or a first line) with leading whitespace would be read as indentation.
  if (body === '' || NOT_LITERAL.test(value) || /^[ \t]/.test(body.replace(/^\n+/, '')) || /^[ \t]+$/m.test(body)) return undefined;
  const trailing = value.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = (trailing > 1 ? value.slice(0, -1) : body).split('\n');
  return `|${chomp}\n${lines.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n')}`;
}

function scalar(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid('Invalid data for toYaml', path, String(value), 'use a finite number: JSON (and so a Kubernetes object) cannot hold it');
    // YAML 1.1 floats need a dot in the mantissa and a signed exponent: 1e-7 is written 1.0e-7.
    return String(value).replace(/^(-?\d+)(\.\d+)?e([+-]\d+)$/, (_m, int: string, fraction: string | undefined, exponent: string) => `${int}${fraction ?? '.0'}e${exponent}`);
  }
  return invalid('Invalid data for toYaml', path, `a ${typeof value}`, 'use JSON data: a string, number, boolean, null, array or object');
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: Record<string, unknown> | unknown[]): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** The text after `key:` or `- `: a scalar on the same line, or a nested block on the next lines. */
function valueText(value: unknown, indent: string, path: string): string {
  if (typeof value === 'string') {
    const block = value.includes('\n') ? literalBlock(value, indent + INDENT) : undefined;
    return ` ${block ?? inlineString(value)}`;
  }
  if (!isCollection(value)) return ` ${scalar(value, path)}`;
  if (isEmpty(value)) return Array.isArray(value) ? ' []' : ' {}';
  return `\n${block(value, indent + INDENT, path)}`;
}

function block(value: Record<string, unknown> | unknown[], indent: string, path: string): string {
  if (Array.isArray(value)) {
    return value
      .map((item, i) => {
        const itemPath = `${path}[${i}]`;
        // A non-empty mapping or list starts on the dash's line, indented past it.
        if (isCollection(item) && !isEmpty(item)) return `${indent}- ${block(item, indent + INDENT, itemPath).slice(indent.length + INDENT.length)}`;
        return `${indent}-${valueText(item, indent, itemPath)}`;
      })
      .join('\n');
  }
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `${indent}${inlineString(key)}:${valueText(v, indent, `${path}.${key}`)}`)
    .join('\n');
}

/** `value` (JSON data) as a YAML document, newline-terminated. */
export function toYaml(value: unknown): string {
  if (isCollection(value) && !isEmpty(value)) return `${block(value, '', '')}\n`;
  return `${valueText(value, '', '').slice(1)}\n`;
}
