/**
 * Objects other charts add (Flagger, prometheus-operator, dashboards), hand-made in the shape
 * their constructs synthesize, to prove the Pulumi program handles kinds it has no code for.
 */
import { CANARY_NAME, COMPONENTS } from '../../lib/runbook';
import { SECRETS } from '../../lib/secrets';
import { ManifestObject } from '../../stacks/synth';

export function crdObjects(namespace: string): ManifestObject[] {
  const meta = (name: string) => ({ name, namespace, labels: { app: name } });
  const orchestrator = COMPONENTS.orchestrator.name;
  return [
    {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: meta(CANARY_NAME),
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: orchestrator },
        autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: orchestrator },
        analysis: { metrics: [{ name: 'error-rate', templateRef: { name: 'error-rate' } }], alerts: [{ name: 'slack', providerRef: { name: 'slack' } }] },
      },
    },
    { apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: meta('error-rate'), spec: { provider: { type: 'prometheus' }, query: 'up' } },
    { apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider', metadata: meta('slack'), spec: { type: 'slack', secretRef: { name: SECRETS.slackWebhook.name } } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: meta('agentaskit-rules'), spec: { groups: [] } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta('orchestrator'), spec: { selector: { matchLabels: { app: orchestrator } }, endpoints: [{ port: 'metrics' }] } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('agent-worker'), spec: { selector: { matchLabels: { app: COMPONENTS.agentWorker.name } }, podMetricsEndpoints: [{ port: 'metrics' }] } },
    {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: meta('agentaskit-routing'),
      spec: { route: { receiver: 'pagerduty' }, receivers: [{ name: 'pagerduty', pagerdutyConfigs: [{ routingKey: { name: SECRETS.pagerdutyRoutingKey.name, key: SECRETS.pagerdutyRoutingKey.key } }] }] },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboard-agents', namespace: 'monitoring', labels: { grafana_dashboard: '1' } }, data: { 'agents.json': '{}' } },
  ];
}
