import { Construct } from 'constructs';
import {
  AlertmanagerConfig,
  AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType,
  AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType,
  AlertmanagerConfigSpecReceivers,
  AlertmanagerConfigSpecRouteMatchersMatchType,
} from '../../imports/monitoring.coreos.com';
import { ESCALATION, Priority, SLACK_CHANNEL } from '../runbook';
import { componentLabels } from '../workloads/labels';
import {
  checkTimings,
  DEFAULT_RECEIVER,
  ESCALATION_ROUTES,
  GROUP_BY,
  INHIBIT_EQUAL,
  INHIBIT_RULES,
  inhibitAlertNames,
  PAGERDUTY_DESCRIPTION,
  PRIORITY_LABEL,
  RECEIVERS,
  ReceiverSpec,
  SLACK_TEXT,
  SLACK_TITLE,
  usedReceivers,
} from './alert-routing';

/** Props of {@link EscalationRouting}. */
export interface EscalationRoutingProps {
  /** Labels the Alertmanager selects AlertmanagerConfigs by. @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** @default 'agentaskit-escalation' */
  readonly name?: string;
}

/**
 * The runbook's escalation table as an AlertmanagerConfig (ESCALATION_ROUTES): P1 pages the
 * on-call through PagerDuty and posts to Slack, P2 posts to #orchestration-alerts, P3 opens an
 * issue through the ticketing webhook. prometheus-operator scopes the routes to this object's
 * namespace; keys and URLs come from Secrets in it (lib/secrets.ts), never from the manifest.
 * Inhibit rules (INHIBIT_RULES) silence an alert while a stronger one of the same namespace fires.
 */
export class EscalationRouting extends Construct {
  public readonly config: AlertmanagerConfig;

  constructor(scope: Construct, id: string, props: EscalationRoutingProps = {}) {
    super(scope, id);
    checkTimings();
    const matcher = (priorities: readonly Priority[]) => ({
      name: PRIORITY_LABEL,
      value: priorities.join('|'),
      matchType: priorities.length === 1 ? AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUALS : AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUAL_TILDE,
    });
    this.config = new AlertmanagerConfig(this, 'Resource', {
      metadata: {
        name: props.name ?? 'agentaskit-escalation',
        labels: { ...componentLabels('agentaskit-alerts', 'monitoring'), ...props.selectorLabels },
      },
      spec: {
        route: {
          receiver: RECEIVERS[DEFAULT_RECEIVER].name,
          groupBy: [...GROUP_BY],
          routes: ESCALATION_ROUTES.map((route) => ({
            receiver: RECEIVERS[route.receiver].name,
            matchers: [matcher(route.priorities)],
            groupWait: route.groupWait,
            groupInterval: route.groupInterval,
            repeatInterval: route.repeatInterval,
            ...(route.continue ? { continue: true } : {}),
          })),
        },
        receivers: usedReceivers().map((key) => receiver(RECEIVERS[key])),
        // The operator adds this object's namespace to both sides of each rule.
        inhibitRules: INHIBIT_RULES.map((rule) => {
          const names = inhibitAlertNames(rule);
          return {
            sourceMatch: [{ name: 'alertname', value: names.source, matchType: AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType.VALUE_EQUALS }],
            targetMatch: [{ name: 'alertname', value: names.target, matchType: AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType.VALUE_EQUALS }],
            equal: [...INHIBIT_EQUAL],
          };
        }),
      },
    });
  }
}

function receiver(spec: ReceiverSpec): AlertmanagerConfigSpecReceivers {
  const secret = { name: spec.secret.name, key: spec.secret.key };
  switch (spec.kind) {
    case 'pagerduty':
      return { name: spec.name, pagerdutyConfigs: [{ routingKey: secret, description: PAGERDUTY_DESCRIPTION, severity: ESCALATION.P1.severity, sendResolved: true }] };
    case 'slack':
      return { name: spec.name, slackConfigs: [{ apiUrl: secret, channel: SLACK_CHANNEL, title: SLACK_TITLE, text: SLACK_TEXT, sendResolved: true }] };
    case 'webhook':
      return { name: spec.name, webhookConfigs: [{ urlSecret: secret, sendResolved: true }] };
  }
}
