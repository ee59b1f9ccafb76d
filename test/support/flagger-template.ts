/**
 * Flagger's rendering of a MetricTemplate query, for tests that run the synthesized queries on a
 * real Prometheus: Flagger renders `{{ name }}` with Go templates (spacing inside the braces is
 * free) before it sends the query. Only a test needs it; the chart ships the template as written.
 */

/** The variables Flagger substitutes in a MetricTemplate query (lib/delivery/metric-templates.ts uses no others). */
export const TEMPLATE_VARIABLES = ['namespace', 'target', 'interval'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** A query with Flagger's variables replaced, as Flagger sends it to Prometheus; an unknown variable throws. */
export function renderQuery(query: string, values: Readonly<Record<TemplateVariable, string>>): string {
  return query.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) throw new Error(`unknown Flagger template variable ${whole} in query`);
    return values[name as TemplateVariable];
  });
}
