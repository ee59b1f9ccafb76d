/**
 * PromQL text built from typed parts, for every query the library writes (recording and alerting
 * rules, the canary's metric templates, the dashboards). Beside the metrics contract, so that
 * observability and delivery both read it without importing each other.
 */

/** A label matcher: an exact value, or `{ regex }` for `=~`. */
export type Matchers = Readonly<Record<string, string | { readonly regex: string }>>;

/** `name{k="v", k2=~"re"}` with values escaped, so generated selectors are always valid PromQL. */
export function selector(name: string, matchers: Matchers): string {
  const parts = Object.entries(matchers).map(([k, v]) =>
    typeof v === 'string' ? `${k}=${JSON.stringify(v)}` : `${k}=~${JSON.stringify(v.regex)}`,
  );
  return `${name}{${parts.join(', ')}}`;
}
