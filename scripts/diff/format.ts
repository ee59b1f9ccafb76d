import type { ObjectRef } from './load-manifests';
import type { ReportedChange } from './manifest-diff';

/** Long values (whole containers, PromQL expressions) are cut so a line stays readable. */
export const MAX_VALUE_CHARS = 120;

/**
 * Compact rendering: strings bare unless empty or containing whitespace (then
 * JSON-quoted so the boundary is visible), objects and lists as compact JSON.
 */
export function formatValue(value: unknown): string {
  const text =
    typeof value === 'string' ? (value === '' || /\s/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value) ?? 'null';
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** `Deployment agent-worker`, or `Deployment agentaskit/agent-worker` for namespaced objects. */
export function formatRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `path: before → after`, with `(none)` for a missing side and no values at all for hidden ones. */
export function formatChange(change: ReportedChange): string {
  if (change.hidden) return `${change.path}: ${change.op} (value hidden)`;
  const before = change.op === 'added' ? '(none)' : formatValue(change.before);
  const after = change.op === 'removed' ? '(none)' : formatValue(change.after);
  return `${change.path}: ${before} → ${after}`;
}
