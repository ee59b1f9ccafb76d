/**
 * The runbook's escalation table as an Alertmanager route tree, as data. One source rendered
 * twice: into the AlertmanagerConfig object (escalation-routing.ts) and into a plain
 * alertmanager.yml (alerts/alertmanager.yml) that amtool can check and route-test.
 *
 * | Priority | Receiver                       | group_wait + group_interval | Runbook response |
 * |----------|--------------------------------|-----------------------------|------------------|
 * | P1       | PagerDuty (+ Slack, continue)   | 30s + 5m  = 5.5 min          | 15 min           |
 * | P2       | Slack #orchestration-alerts     | 1m + 10m  = 11 min           | 30 min           |
 * | P3       | ticket webhook                  | 5m + 1h   = 65 min           | 4 h              |
 *
 * Why the sum bounds delivery: a new group is notified after group_wait; an alert joining a group
 * that has already notified goes out at the group's next flush, at most group_interval later. So
 * once Alertmanager has an alert, it is delivered within max(group_wait, group_interval) ≤ the
 * sum. {@link checkTimings} requires the sum to be at most half the response time, leaving the
 * other half to the person responding (and a margin for Prometheus' `for` and evaluation).
 */
import { invalid } from '../invalid';
import { ESCALATION, Priority, SLACK_CHANNEL, SLACK_RECEIVER_NAME } from '../runbook';
import { SECRETS, SecretReference } from '../secrets';
import { AlertKey, ALERTS } from './alerts';
import { durationSeconds } from './slo';

export type ReceiverKind = 'pagerduty' | 'slack' | 'webhook';

export interface ReceiverSpec {
  readonly name: string;
  readonly kind: ReceiverKind;
  /** Secret holding the routing key (PagerDuty) or URL (Slack, webhook); never inlined. */
  readonly secret: SecretReference;
}

export const RECEIVERS = {
  pager: { name: 'oncall-pagerduty', kind: 'pagerduty', secret: SECRETS.pagerdutyRoutingKey },
  slack: { name: SLACK_RECEIVER_NAME, kind: 'slack', secret: SECRETS.slackWebhook },
  ticket: { name: 'issue-webhook', kind: 'webhook', secret: SECRETS.ticketWebhook },
} as const satisfies Record<string, ReceiverSpec>;

export type ReceiverKey = keyof typeof RECEIVERS;

export interface PriorityRoute {
  readonly priorities: readonly Priority[];
  readonly receiver: ReceiverKey;
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
  /** Keep matching later routes (a P1 page also lands in Slack, where the incident is coordinated). */
  readonly continue?: boolean;
}

/** In match order. The first route an alert's priority matches is the one that must meet its response time. */
export const ESCALATION_ROUTES: readonly PriorityRoute[] = [
  { priorities: ['P1'], receiver: 'pager', groupWait: '30s', groupInterval: '5m', repeatInterval: '1h', continue: true },
  { priorities: ['P1', 'P2'], receiver: 'slack', groupWait: '1m', groupInterval: '10m', repeatInterval: '4h' },
  { priorities: ['P3'], receiver: 'ticket', groupWait: '5m', groupInterval: '1h', repeatInterval: '24h' },
];

/** Alerts of the namespace that carry no known priority still reach people: Slack. */
export const DEFAULT_RECEIVER: ReceiverKey = 'slack';

/** Alerts of one group are one notification: per alert name and environment. */
export const GROUP_BY: readonly string[] = ['alertname', 'namespace'];

/** Label the routes match on (set by every WF-001 alert). */
export const PRIORITY_LABEL = 'priority';

/** While `source` fires in a namespace, `target` of the same namespace is not notified: it says less. */
export interface InhibitRule {
  readonly source: AlertKey;
  readonly target: AlertKey;
}

export const INHIBIT_RULES: readonly InhibitRule[] = [
  // Same measurement, higher level: the page already says the pool is degraded.
  { source: 'agentPoolCritical', target: 'agentPoolDegraded' },
  // A fast budget burn pages for the same 5xx responses the error-rate alert reports.
  { source: 'errorBudgetFastBurn', target: 'orchestratorErrorRate' },
];

/** Labels source and target must share for an inhibition: the environment. */
export const INHIBIT_EQUAL: readonly string[] = ['namespace'];

/** `alertname` of each side of an inhibit rule. */
export function inhibitAlertNames(rule: InhibitRule): { source: string; target: string } {
  return { source: ALERTS[rule.source].name, target: ALERTS[rule.target].name };
}

/** Receivers the route tree uses: the default first, then in route order. */
export function usedReceivers(): ReceiverKey[] {
  return [...new Set<ReceiverKey>([DEFAULT_RECEIVER, ...ESCALATION_ROUTES.map((r) => r.receiver)])];
}

/** Worst-case delivery of a priority's first route, seconds: group_wait + group_interval. */
export function deliveryBoundSeconds(priority: Priority, routes: readonly PriorityRoute[] = ESCALATION_ROUTES): number {
  const route = routes.find((r) => r.priorities.includes(priority));
  if (!route) invalid('Invalid escalation routes', `${priority} route`, undefined, `route ${priority} alerts: add it to the priorities of a route in ESCALATION_ROUTES`);
  return durationSeconds(route.groupWait) + durationSeconds(route.groupInterval);
}

/** Throws unless every priority is delivered within half its runbook response time. */
export function checkTimings(routes: readonly PriorityRoute[] = ESCALATION_ROUTES): void {
  for (const priority of Object.keys(ESCALATION) as Priority[]) {
    const bound = deliveryBoundSeconds(priority, routes);
    const budget = (ESCALATION[priority].responseMinutes * 60) / 2;
    if (bound > budget) {
      const { groupWait, groupInterval } = routes.find((r) => r.priorities.includes(priority))!;
      invalid('Invalid escalation routes', `${priority} route`, { groupWait, groupInterval },
        `group_wait + group_interval = ${bound}s exceeds ${budget}s, half the runbook's ${ESCALATION[priority].responseMinutes}-minute response time; shorten groupWait or groupInterval`);
    }
  }
}

// ---- plain alertmanager.yml --------------------------------------------------------------------

/** Where the Alertmanager CR's `spec.secrets` mounts a Secret key. */
export function mountedSecretPath(secret: SecretReference): string {
  return `/etc/alertmanager/secrets/${secret.name}/${secret.key}`;
}

export const SLACK_TITLE = '[{{ .Status | toUpper }}] {{ .CommonLabels.priority }} {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})';
export const SLACK_TEXT =
  '{{ range .Alerts }}{{ .Annotations.description }}\n<{{ .Annotations.runbook_url }}|Runbook> · <{{ .Annotations.dashboard_url }}|Dashboard>\n{{ end }}';
export const PAGERDUTY_DESCRIPTION = '{{ .CommonLabels.priority }} {{ .CommonAnnotations.summary }} ({{ .CommonLabels.namespace }})';

export interface PlainConfigOptions {
  /** Namespace of the AlertmanagerConfig; the operator restricts its routes to it. */
  readonly namespace: string;
  /** Name of the AlertmanagerConfig object; the operator prefixes receivers with `<namespace>/<name>/`. */
  readonly configName: string;
}

/** prometheus-operator's name for a receiver of an AlertmanagerConfig. */
export function operatorReceiverName(options: PlainConfigOptions, receiver: ReceiverKey): string {
  return `${options.namespace}/${options.configName}/${RECEIVERS[receiver].name}`;
}

function plainReceiver(options: PlainConfigOptions, key: ReceiverKey): Record<string, unknown> {
  const spec: ReceiverSpec = RECEIVERS[key];
  const name = operatorReceiverName(options, key);
  const file = mountedSecretPath(spec.secret);
  switch (spec.kind) {
    case 'pagerduty':
      return { name, pagerduty_configs: [{ routing_key_file: file, description: PAGERDUTY_DESCRIPTION, severity: ESCALATION.P1.severity, send_resolved: true }] };
    case 'slack':
      return { name, slack_configs: [{ api_url_file: file, channel: SLACK_CHANNEL, title: SLACK_TITLE, text: SLACK_TEXT, send_resolved: true }] };
    case 'webhook':
      // Alertmanager 0.25 has no url_file for webhooks (added in 0.26; amtool 0.25 rejects it),
      // so a placeholder stands where the operator injects the Secret's URL.
      return { name, webhook_configs: [{ url: `https://ticketing.invalid/${spec.secret.name}/${spec.secret.key}`, send_resolved: true }] };
  }
}

/**
 * The Alertmanager configuration the operator generates from the AlertmanagerConfig, as a plain
 * file: a first-level route matching the namespace (continue: true, as the operator sets it),
 * the priority routes below it. Secrets are file paths or placeholders, never values.
 */
export function plainAlertmanagerConfig(options: PlainConfigOptions): Record<string, unknown> {
  checkTimings();
  const matchers = (priorities: readonly Priority[]) =>
    priorities.length === 1 ? [`${PRIORITY_LABEL}="${priorities[0]}"`] : [`${PRIORITY_LABEL}=~"${priorities.join('|')}"`];
  return {
    route: {
      // The cluster's own root route; only this namespace's subtree is ours.
      receiver: 'null',
      routes: [
        {
          receiver: operatorReceiverName(options, DEFAULT_RECEIVER),
          matchers: [`namespace="${options.namespace}"`],
          continue: true,
          group_by: [...GROUP_BY],
          routes: ESCALATION_ROUTES.map((route) => ({
            receiver: operatorReceiverName(options, route.receiver),
            matchers: matchers(route.priorities),
            group_wait: route.groupWait,
            group_interval: route.groupInterval,
            repeat_interval: route.repeatInterval,
            ...(route.continue ? { continue: true } : {}),
          })),
        },
      ],
    },
    receivers: [{ name: 'null' }, ...usedReceivers().map((key) => plainReceiver(options, key))],
    // As the operator renders an AlertmanagerConfig's inhibit rules: restricted to its namespace.
    inhibit_rules: INHIBIT_RULES.map((rule) => {
      const names = inhibitAlertNames(rule);
      const scoped = (alertname: string) => [`alertname="${alertname}"`, `namespace="${options.namespace}"`];
      return { source_matchers: scoped(names.source), target_matchers: scoped(names.target), equal: [...INHIBIT_EQUAL] };
    }),
  };
}
