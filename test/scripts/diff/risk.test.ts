import type { EnvironmentDiff } from '../../../scripts/diff/manifest-diff';
import { classifyRisks } from '../../../scripts/diff/risk';

const ref = (kind: string, name = 'x') => ({ apiVersion: 'v1', kind, namespace: 'ns', name });
const envDiff = (env: string, parts: Partial<EnvironmentDiff>): EnvironmentDiff => ({ env, added: [], removed: [], changed: [], ...parts });
const reasons = (diff: EnvironmentDiff) => classifyRisks(diff).map((w) => `${w.ref.kind} ${w.reason}`);

test('flags replicas, HPA bounds, images, canary gates and alert thresholds field by field', () => {
  const diff = envDiff('staging', {
    changed: [
      {
        ref: ref('Deployment'),
        changes: [
          { path: 'spec.replicas', op: 'changed', before: 2, after: 1 },
          { path: 'spec.template.spec.initContainers[migrate].image', op: 'changed', before: 'm:1', after: 'm:2' },
          { path: 'spec.template.metadata.labels.tier', op: 'changed', before: 'a', after: 'b' },
        ],
      },
      { ref: ref('HorizontalPodAutoscaler'), changes: [{ path: 'spec.maxReplicas', op: 'changed', before: 10, after: 40 }] },
      { ref: ref('Canary'), changes: [{ path: 'spec.analysis.threshold', op: 'changed', before: 5, after: 10 }] },
      {
        ref: ref('PrometheusRule'),
        changes: [
          { path: 'spec.groups[worker].rules[0].expr', op: 'changed', before: 'x > 0.05', after: 'x > 0.5' },
          { path: 'spec.groups[worker].rules[0].labels.team', op: 'changed', before: 'a', after: 'b' },
        ],
      },
    ],
  });
  expect(reasons(diff)).toEqual([
    'Canary canary gate spec.analysis.threshold: 5 → 10',
    'Deployment replica count spec.replicas: 2 → 1',
    'Deployment image spec.template.spec.initContainers[migrate].image: m:1 → m:2',
    'HorizontalPodAutoscaler autoscaling bounds spec.maxReplicas: 10 → 40',
    'PrometheusRule alert threshold spec.groups[worker].rules[0].expr: "x > 0.05" → "x > 0.5"',
  ]);
});

test('any change to RBAC, NetworkPolicy or PDB is flagged once per object, as are added/removed guard objects', () => {
  const diff = envDiff('dev', {
    added: [ref('ClusterRole', 'reader'), ref('ConfigMap')],
    removed: [ref('PodDisruptionBudget')],
    changed: [
      {
        ref: ref('NetworkPolicy'),
        changes: [
          { path: 'spec.ingress[0].ports[0].port', op: 'changed', before: 80, after: 81 },
          { path: 'spec.egress', op: 'removed', before: [] },
        ],
      },
    ],
  });
  expect(reasons(diff)).toEqual(['ClusterRole ClusterRole added', 'NetworkPolicy network policy changed', 'PodDisruptionBudget PodDisruptionBudget removed']);
});

test('everything touched in production is flagged', () => {
  const diff = envDiff('production', {
    added: [ref('ConfigMap', 'a')],
    removed: [ref('ConfigMap', 'b')],
    changed: [{ ref: ref('Secret'), changes: [{ path: 'data.k', op: 'changed', hidden: true }] }],
  });
  expect(classifyRisks(diff).map((w) => [w.env, w.ref.name, w.reason])).toEqual([
    ['production', 'a', 'production object added'],
    ['production', 'b', 'production object removed'],
    ['production', 'x', 'production object changed (1 field)'],
  ]);
});

test('flags what changes who is paged and how a canary is judged: templates, routing, rule labels, canary deadlines', () => {
  const diff = envDiff('staging', {
    added: [ref('MetricTemplate', 'new-gate'), ref('AlertmanagerConfig', 'routes')],
    removed: [ref('MetricTemplate', 'old-gate')],
    changed: [
      { ref: ref('MetricTemplate', 'error-rate'), changes: [{ path: 'spec.query', op: 'changed', before: 'sum(rate(a[1m]))', after: 'sum(rate(a[5m]))' }] },
      {
        ref: ref('AlertmanagerConfig', 'routing'),
        changes: [{ path: 'spec.route.routes[0].matchers[0].value', op: 'changed', before: 'P1', after: 'P2' }],
      },
      {
        ref: ref('Canary'),
        changes: [
          { path: 'spec.progressDeadlineSeconds', op: 'changed', before: 180, after: 600 },
          { path: 'spec.skipAnalysis', op: 'added', after: true },
          { path: 'spec.service.port', op: 'changed', before: 80, after: 8080 },
        ],
      },
      {
        ref: ref('PrometheusRule'),
        changes: [
          { path: 'spec.groups[worker].rules[0].labels.priority', op: 'changed', before: 'P1', after: 'P3' },
          { path: 'spec.groups[worker].rules[0].labels.severity', op: 'changed', before: 'critical', after: 'info' },
          { path: 'spec.groups[worker].rules[0].keep_firing_for', op: 'added', after: '5m' },
          { path: 'spec.groups[worker].rules[2]', op: 'removed', before: { alert: 'Gone' } },
          { path: 'spec.groups[worker].rules[1].annotations.summary', op: 'changed', before: 'a', after: 'b' },
        ],
      },
    ],
  });
  expect(reasons(diff)).toEqual([
    'AlertmanagerConfig AlertmanagerConfig added',
    'AlertmanagerConfig alert routing changed (who is paged, where)',
    'Canary canary gate spec.progressDeadlineSeconds: 180 → 600',
    'Canary canary gate spec.skipAnalysis: (none) → true',
    'MetricTemplate canary gate query spec.query: sum(rate(a[1m])) → sum(rate(a[5m]))',
    'MetricTemplate MetricTemplate added',
    'MetricTemplate MetricTemplate removed',
    'PrometheusRule alert routing spec.groups[worker].rules[0].labels.priority: P1 → P3',
    'PrometheusRule alert routing spec.groups[worker].rules[0].labels.severity: critical → info',
    'PrometheusRule alert threshold spec.groups[worker].rules[0].keep_firing_for: (none) → 5m',
    'PrometheusRule alert rule removed spec.groups[worker].rules[2]',
  ]);
});

test('routine edits of gate and alert objects stay quiet: metadata, non-routing labels, the canary\'s service port', () => {
  const diff = envDiff('dev', {
    changed: [
      { ref: ref('MetricTemplate'), changes: [{ path: 'metadata.labels.team', op: 'changed', before: 'a', after: 'b' }] },
      { ref: ref('PrometheusRule'), changes: [{ path: 'spec.groups[worker].rules[0].labels.team', op: 'changed', before: 'a', after: 'b' }] },
      { ref: ref('Canary'), changes: [{ path: 'spec.service.port', op: 'changed', before: 80, after: 8080 }] },
    ],
  });
  expect(reasons(diff)).toEqual([]);
});
