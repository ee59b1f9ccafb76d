/**
 * The observability objects each environment synthesizes: PodMonitors per component,
 * the PrometheusRule and the AlertmanagerConfig, with the configured selector labels.
 */
import { App, Chart } from 'cdk8s';
import { plainAlertmanagerConfig } from '../../../lib/observability/alert-routing';
import { WorkloadPodMonitor } from '../../../lib/observability/pod-monitors';
import { WorkflowAlertRules } from '../../../lib/observability/workflow-alert-rules';
import { COMPONENTS, ESCALATION, SLACK_CHANNEL, SLACK_RECEIVER_NAME } from '../../../lib/runbook';
import { SECRETS } from '../../../lib/secrets';
import { loadEnvironment } from '../../../stacks/environments';
import { ManifestObject, synthesizeEnvironment } from '../../../stacks/synth';
import { rulesConfigFor } from '../../support/rules-config';
import { unknownFields } from '../../support/schema';

/* eslint-disable @typescript-eslint/no-explicit-any */
const production = synthesizeEnvironment(loadEnvironment('production'));
const ofKind = (objects: readonly ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind) as any[];

describe.each(['PodMonitor', 'PrometheusRule', 'AlertmanagerConfig'])('%s objects', (kind) => {
  it('use only fields of the pinned CRD schema', () => {
    const objects = ofKind(production.objects, kind);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(unknownFields(o)).toEqual([]);
  });

  it('fails on a misspelt field (the check can fail)', () => {
    const [o] = ofKind(production.objects, kind);
    expect(unknownFields({ ...o, spec: { ...o.spec, typo: 1 } })).toEqual(['spec.typo']);
  });
});

describe('PodMonitors', () => {
  const monitors = ofKind(production.objects, 'PodMonitor');

  it('one per component, in the namespace, selected by the Prometheus selector labels', () => {
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(Object.values(COMPONENTS).map((c) => c.name).sort());
    for (const m of monitors) {
      expect(m.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(m.metadata.namespace).toBe('agentaskit-production');
      expect(m.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    }
  });

  it('selects the Flagger primary and canary orchestrator pods, and only app pods elsewhere', () => {
    const selector = (name: string) => monitors.find((m) => m.metadata.name === name).spec.selector;
    expect(selector('orchestrator')).toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: ['orchestrator', 'orchestrator-primary'] }] });
    expect(selector('agent-worker')).toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: ['agent-worker'] }] });
  });

  it('scrapes the metrics port and sets the component label from app.kubernetes.io/name', () => {
    for (const m of monitors) {
      expect(m.spec.podMetricsEndpoints).toEqual([
        {
          port: 'metrics',
          interval: '30s',
          relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'component' }],
        },
      ]);
    }
  });

  it('follows an environment override of the selector labels', () => {
    const env = synthesizeEnvironment(loadEnvironment('dev', { monitoring: { selectorLabels: { prometheus: 'platform' } } }));
    for (const kind of ['PodMonitor', 'PrometheusRule', 'AlertmanagerConfig']) {
      for (const o of ofKind(env.objects, kind)) {
        expect(o.metadata.labels.prometheus).toBe('platform');
      }
    }
  });

  it('fails when no app label value is given', () => {
    expect(() => new WorkloadPodMonitor(new Chart(new App(), 'c'), 'M', { component: 'orchestrator', appLabelValues: [] })).toThrow(
      'Invalid props of WorkloadPodMonitor "c/M":\n  - appLabelValues = []: pass the pods\' app label values, e.g. appLabelValues("orchestrator").',
    );
  });
});

describe('PrometheusRule', () => {
  const [rule] = ofKind(production.objects, 'PrometheusRule');

  it('holds the rule groups of the environment, selected by the Prometheus selector labels', () => {
    expect(rule.metadata).toMatchObject({ name: 'agentaskit-wf-001', namespace: 'agentaskit-production', labels: { release: 'kube-prometheus-stack' } });
    expect(rule.spec.groups).toEqual(JSON.parse(JSON.stringify(production.chart.alertRules.groups)));
  });

  it('fails early on contradictory alert levels', () => {
    const config = rulesConfigFor(loadEnvironment('dev'));
    expect(() => new WorkflowAlertRules(new Chart(new App(), 'c'), 'R', { ...config, unhealthyAgentsCriticalPercent: 3 })).toThrow(
      /^Invalid WF-001 alert rules config for agentaskit-dev:\n {2}- unhealthyAgentsCriticalPercent = 3: use more than thresholds\.unhealthyAgentsPercent \(5\)/,
    );
  });
});

describe('AlertmanagerConfig', () => {
  const [config] = ofKind(production.objects, 'AlertmanagerConfig');

  it('routes P1 to PagerDuty and Slack, P2 to Slack, P3 to the ticket webhook', () => {
    expect(config.apiVersion).toBe('monitoring.coreos.com/v1alpha1');
    expect(config.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(config.spec.route.routes.map((r: any) => [r.matchers, r.receiver, r.continue ?? false])).toEqual([
      [[{ name: 'priority', value: 'P1', matchType: '=' }], 'oncall-pagerduty', true],
      [[{ name: 'priority', value: 'P1|P2', matchType: '=~' }], SLACK_RECEIVER_NAME, false],
      [[{ name: 'priority', value: 'P3', matchType: '=' }], 'issue-webhook', false],
    ]);
  });

  it('reads every key and URL from the Secrets of lib/secrets.ts', () => {
    const receiver = (name: string) => config.spec.receivers.find((r: any) => r.name === name);
    expect(receiver('oncall-pagerduty').pagerdutyConfigs[0]).toMatchObject({ routingKey: SECRETS.pagerdutyRoutingKey, severity: ESCALATION.P1.severity });
    expect(receiver(SLACK_RECEIVER_NAME).slackConfigs[0]).toMatchObject({ apiURL: SECRETS.slackWebhook, channel: SLACK_CHANNEL });
    expect(receiver('issue-webhook').webhookConfigs[0]).toEqual({ urlSecret: SECRETS.ticketWebhook, sendResolved: true });
  });

  it('matches the plain alertmanager.yml route for route (same data, two renderings)', () => {
    const plain = plainAlertmanagerConfig({ namespace: 'agentaskit-production', configName: config.metadata.name }) as any;
    const subtree = plain.route.routes[0];
    expect(subtree.routes.map((r: any) => [r.receiver.split('/').pop(), r.group_wait, r.group_interval, r.repeat_interval])).toEqual(
      config.spec.route.routes.map((r: any) => [r.receiver, r.groupWait, r.groupInterval, r.repeatInterval]),
    );
    expect(subtree.receiver.split('/').pop()).toBe(config.spec.route.receiver);
    expect(subtree.group_by).toEqual(config.spec.route.groupBy);
  });

  it('inhibits AgentPoolDegraded while AgentPoolCritical fires, and OrchestratorHighErrorRate during a fast budget burn, per namespace', () => {
    const match = (alertname: string) => [{ name: 'alertname', value: alertname, matchType: '=' }];
    expect(config.spec.inhibitRules).toEqual([
      { sourceMatch: match('AgentPoolCritical'), targetMatch: match('AgentPoolDegraded'), equal: ['namespace'] },
      { sourceMatch: match('OrchestratorErrorBudgetFastBurn'), targetMatch: match('OrchestratorHighErrorRate'), equal: ['namespace'] },
    ]);
    // The plain file as the operator renders it: both sides restricted to the namespace.
    const plain = plainAlertmanagerConfig({ namespace: 'agentaskit-production', configName: config.metadata.name }) as any;
    const scoped = (alertname: string) => [`alertname="${alertname}"`, 'namespace="agentaskit-production"'];
    expect(plain.inhibit_rules).toEqual([
      { source_matchers: scoped('AgentPoolCritical'), target_matchers: scoped('AgentPoolDegraded'), equal: ['namespace'] },
      { source_matchers: scoped('OrchestratorErrorBudgetFastBurn'), target_matchers: scoped('OrchestratorHighErrorRate'), equal: ['namespace'] },
    ]);
  });
});
