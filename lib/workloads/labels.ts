import { APP_LABEL, PART_OF, PROJECT_NAME } from '../runbook';

/**
 * The label every object of the system carries, a component's or not (the namespace, the API
 * ingress, the shared network policies, the canary's objects): what selects "all of AgentasKit".
 */
export function partOfLabels(): Record<string, string> {
  return { 'app.kubernetes.io/part-of': PART_OF };
}

/** Labels every object of a component carries (Kubernetes recommended labels plus the runbook's `app`). */
export function componentLabels(name: string, component: string, version?: string): Record<string, string> {
  return {
    [APP_LABEL]: name,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    ...partOfLabels(),
    'app.kubernetes.io/managed-by': PROJECT_NAME,
    ...(version ? { 'app.kubernetes.io/version': version } : {}),
  };
}

/**
 * The pod selector of a component: only `app: <name>`. Selectors are immutable on a Deployment,
 * so they must never include labels that change (version), and Flagger derives its primary
 * workload by rewriting exactly this label (`app: orchestrator` → `app: orchestrator-primary`).
 */
export function selectorLabels(name: string): Record<string, string> {
  return { [APP_LABEL]: name };
}

/**
 * `app` values a component's pods carry when Flagger manages it: Flagger copies the Deployment
 * to `<name>-primary` (pods `app: <name>-primary`), which serves live traffic, and runs the new
 * version under the original name. Network policies and monitors select both.
 */
export function primaryNameOf(name: string): string {
  return `${name}-primary`;
}

/** Options of {@link appLabelValues}. */
export interface AppLabelValuesOptions {
  /**
   * Flagger releases the component: its pods run as `<name>-primary` (live traffic) and `<name>` (the canary).
   * @default false
   */
  readonly progressiveDelivery?: boolean;
}

/** The `app` values of a component's pods: `[name]`, or with progressive delivery `[name, <name>-primary]`. */
export function appLabelValues(name: string, options: AppLabelValuesOptions = {}): string[] {
  return options.progressiveDelivery ? [name, primaryNameOf(name)] : [name];
}
