import type { ReportedChange } from './manifest-diff';

/** Long values (whole containers, PromQL expressions) are cut so a line stays readable. */
export const MAX_VALUE_CHARS = 120;

/** Unchanged characters kept on each side of the differing part of a long changed value. */
export const CHANGE_CONTEXT_CHARS = 20;

/**
 * Compact rendering: strings bare unless empty or containing whitespace (then
 * JSON-quoted so the boundary is visible), objects and lists as compact JSON.
 */
function render(value: unknown): string {
  return typeof value === 'string' ? (value === '' || /\s/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value) ?? 'null';
}

/** Cuts a rendering (as code points, so no surrogate pair is split) to MAX_VALUE_CHARS, ending in `…`. */
function truncate(chars: string[]): string {
  return chars.length > MAX_VALUE_CHARS ? `${chars.slice(0, MAX_VALUE_CHARS - 1).join('')}…` : chars.join('');
}

/** {@link render}, cut at MAX_VALUE_CHARS with `…`. */
export function formatValue(value: unknown): string {
  return truncate(Array.from(render(value)));
}

/**
 * Both sides of a change. When either is too long to show whole, the common prefix and
 * suffix are dropped (down to CHANGE_CONTEXT_CHARS of context, marked `…`) so the line
 * shows where the values differ, not two identical beginnings: an alert description
 * edited near its end reads `…(threshold 1%)… → …(threshold 0.5%)…`.
 */
function formatPair(before: unknown, after: unknown): [string, string] {
  const a = Array.from(render(before));
  const b = Array.from(render(after));
  if (a.length <= MAX_VALUE_CHARS && b.length <= MAX_VALUE_CHARS) return [a.join(''), b.join('')];
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const start = Math.max(0, prefix - CHANGE_CONTEXT_CHARS);
  const dropped = Math.max(0, suffix - CHANGE_CONTEXT_CHARS);
  const window = (chars: string[]) => {
    const middle = chars.slice(start, chars.length - dropped);
    return truncate([...(start > 0 ? ['…'] : []), ...middle, ...(dropped > 0 ? ['…'] : [])]);
  };
  return [window(a), window(b)];
}

/** `path: before → after`, with `(none)` for a missing side and no values at all for hidden ones. */
export function formatChange(change: ReportedChange): string {
  if (change.hidden) return `${change.path}: ${change.op} (value hidden)`;
  if (change.op === 'added') return `${change.path}: (none) → ${formatValue(change.after)}`;
  if (change.op === 'removed') return `${change.path}: ${formatValue(change.before)} → (none)`;
  const [before, after] = formatPair(change.before, change.after);
  return `${change.path}: ${before} → ${after}`;
}
