// What an object needs applied first, read field by field from hand-made objects: each kind's
// reference fields, the namespace a reference resolves in, and what does not count.
import { keyOf } from '../../lib/manifest';
import { referencesOf, runtimeObjectsOf } from '../../pulumi/references';
import { ManifestObject } from '../../stacks/synth';
import { manifestObject as object } from '../support/manifest-object';

/** The references of `o` among `all`, as keys in the order found. */
const refs = (o: ManifestObject, all: readonly ManifestObject[] = []) => referencesOf(o, all).map(keyOf);

describe('referencesOf', () => {
  test('a namespaced object needs its Namespace; a cluster-scoped one nothing', () => {
    expect(refs(object('v1', 'ConfigMap', 'c', 'n'))).toEqual(['Namespace//n']);
    expect(refs(object('v1', 'Namespace', 'n', undefined))).toEqual([]);
  });

  test('a workload needs what its pod reads, in its own namespace; its PriorityClass is cluster-scoped', () => {
    const pod = {
      serviceAccountName: 'sa',
      priorityClassName: 'high',
      initContainers: [{ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'init-secret', key: 'k' } } }] }],
      containers: [
        {
          env: [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'env-config', key: 'k' } } }, { name: 'C', value: 'plain' }],
          envFrom: [{ secretRef: { name: 'from-secret' } }, { configMapRef: { name: 'from-config' } }],
        },
      ],
      ephemeralContainers: [{ envFrom: [{ prefix: 'X_' }] }],
      volumes: [
        { secret: { secretName: 'volume-secret' } },
        { configMap: { name: 'volume-config' } },
        { projected: { sources: [{ secret: { name: 'projected-secret' } }, { configMap: { name: 'projected-config' } }, { serviceAccountToken: { path: 't' } }] } },
        { emptyDir: {} },
      ],
    };
    expect(refs(object('apps/v1', 'Deployment', 'd', 'n', { spec: { template: { spec: pod } } }))).toEqual([
      'Namespace//n',
      'ServiceAccount/n/sa',
      'PriorityClass//high',
      'Secret/n/init-secret',
      'ConfigMap/n/env-config',
      'Secret/n/from-secret',
      'ConfigMap/n/from-config',
      'Secret/n/volume-secret',
      'ConfigMap/n/volume-config',
      'Secret/n/projected-secret',
      'ConfigMap/n/projected-config',
    ]);
  });

  test('a pod of a cluster-scoped workload reads cluster-scoped names; a pod without references needs nothing more', () => {
    const pod = { serviceAccountName: 'sa', containers: [{}], volumes: [{ secret: {} }] };
    expect(referencesOf(object('example.com/v1', 'Runner', 'r', undefined, { spec: { template: { spec: pod } } }), [])).toStrictEqual([{ kind: 'ServiceAccount', name: 'sa' }]);
    expect(refs(object('apps/v1', 'Deployment', 'd', 'n', { spec: { template: { spec: { containers: [{ name: 'c' }] } } } }))).toEqual(['Namespace//n']);
  });

  describe('RBAC', () => {
    const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name: 'r' });
    const subjects = [
      { kind: 'ServiceAccount', name: 'own' },
      { kind: 'ServiceAccount', name: 'other', namespace: 'm' },
      { kind: 'User', name: 'alice' },
      { kind: 'Group', name: 'devs' },
    ];

    test('a RoleBinding needs its Role in its namespace and its ServiceAccounts, in theirs', () => {
      expect(refs(object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'b', 'n', { roleRef: roleRef('Role'), subjects }))).toEqual([
        'Namespace//n',
        'Role/n/r',
        'ServiceAccount/n/own',
        'ServiceAccount/m/other',
      ]);
    });

    test('a RoleBinding that binds a ClusterRole needs the cluster-scoped ClusterRole, not one in its namespace', () => {
      expect(refs(object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'b', 'n', { roleRef: roleRef('ClusterRole') }))).toEqual(['Namespace//n', 'ClusterRole//r']);
    });

    test('a ClusterRoleBinding needs its ClusterRole and the ServiceAccounts it names', () => {
      expect(referencesOf(object('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'b', undefined, { roleRef: roleRef('ClusterRole'), subjects: subjects.slice(1) }), [])).toStrictEqual([
        { kind: 'ClusterRole', name: 'r' },
        { kind: 'ServiceAccount', name: 'other', namespace: 'm' },
      ]);
    });

    test('a binding without a roleRef or subjects needs only its Namespace', () => {
      expect(refs(object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'b', 'n'))).toEqual(['Namespace//n']);
    });
  });

  test('a reference without a kind or a name is none', () => {
    for (const scaleTargetRef of [undefined, { name: 'd' }, { kind: 'Deployment' }]) {
      expect(refs(object('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n', { spec: { scaleTargetRef } }))).toEqual(['Namespace//n']);
    }
    expect(refs(object('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n'))).toEqual(['Namespace//n']);
    expect(refs(object('flagger.app/v1beta1', 'AlertProvider', 'a', 'n', { spec: { type: 'slack' } }))).toEqual(['Namespace//n']);
    expect(refs(object('flagger.app/v1beta1', 'Canary', 'c', 'n', { spec: { analysis: { alerts: [{ name: 'a' }], metrics: [{ name: 'builtin' }] } } }))).toEqual(['Namespace//n']);
    expect(refs(object('flagger.app/v1beta1', 'Canary', 'c', 'n', { spec: {} }))).toEqual(['Namespace//n']);
  });

  test('an HPA needs its scale target', () => {
    expect(refs(object('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n', { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } } }))).toEqual([
      'Namespace//n',
      'Deployment/n/d',
    ]);
  });

  test('a Canary needs its target, autoscaler, Ingress, metric templates and alert providers (in their namespace, by default its own)', () => {
    const spec = {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'api' },
      ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'api' },
      analysis: {
        metrics: [{ name: 'errors', templateRef: { name: 'error-rate' } }, { name: 'shared', templateRef: { name: 'latency', namespace: 'flagger' } }, { name: 'request-success-rate' }],
        alerts: [{ name: 'slack', providerRef: { name: 'slack' } }, { name: 'pager', providerRef: { name: 'pager', namespace: 'flagger' } }],
      },
    };
    expect(refs(object('flagger.app/v1beta1', 'Canary', 'c', 'n', { spec }))).toEqual([
      'Namespace//n',
      'Deployment/n/api',
      'HorizontalPodAutoscaler/n/api',
      'Ingress/n/api',
      'MetricTemplate/n/error-rate',
      'MetricTemplate/flagger/latency',
      'AlertProvider/n/slack',
      'AlertProvider/flagger/pager',
    ]);
    expect(refs(object('flagger.app/v1beta1', 'Canary', 'c', 'n', { spec: { targetRef: spec.targetRef } }))).toEqual(['Namespace//n', 'Deployment/n/api']);
  });

  test('a Flagger AlertProvider needs the Secret it reads', () => {
    expect(refs(object('flagger.app/v1beta1', 'AlertProvider', 'a', 'n', { spec: { type: 'slack', secretRef: { name: 'webhook' } } }))).toEqual(['Namespace//n', 'Secret/n/webhook']);
  });

  test('an AlertmanagerConfig needs every Secret a receiver selects by name and key, at any depth', () => {
    const receivers = [
      { name: 'pager', pagerdutyConfigs: [{ routingKey: { name: 'pd', key: 'routing-key' } }] },
      { name: 'slack', slackConfigs: [{ apiURL: { name: 'slack', key: 'url' }, channel: '#alerts' }] },
      { name: 'hook', webhookConfigs: [{ url: 'https://example.invalid', httpConfig: { authorization: { credentials: { name: 'hook', key: 'token' } } } }] },
      { name: 'none', emailConfigs: [{ to: 'ops@example.invalid', authPassword: { name: 42, key: 'k' } }, null] },
    ];
    expect(referencesOf(object('monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig', 'a', undefined, { spec: { receivers: receivers.slice(0, 1) } }), [])).toStrictEqual([
      { kind: 'Secret', name: 'pd' },
    ]);
    expect(refs(object('monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig', 'a', 'n', { spec: { receivers } }))).toEqual([
      'Namespace//n',
      'Secret/n/pd',
      'Secret/n/slack',
      'Secret/n/hook',
    ]);
  });

  describe('monitors: the objects they select by matchLabels, in the namespaces they watch', () => {
    const labels = { app: 'api', tier: 'web' };
    const template = (podLabels: Record<string, string>) => ({ spec: { template: { metadata: { labels: podLabels }, spec: { containers: [] } } } });
    const all = [
      object('v1', 'Service', 'api', 'n', { metadata: { name: 'api', namespace: 'n', labels } }),
      object('v1', 'Service', 'api', 'm', { metadata: { name: 'api', namespace: 'm', labels } }),
      object('v1', 'Service', 'partial', 'n', { metadata: { name: 'partial', namespace: 'n', labels: { app: 'api' } } }),
      object('v1', 'Service', 'unlabelled', 'n'),
      object('apps/v1', 'Deployment', 'api', 'n', template(labels)),
      object('apps/v1', 'Deployment', 'other', 'n', template({ app: 'other', tier: 'web' })),
      object('v1', 'Pod', 'single', 'n', { metadata: { name: 'single', namespace: 'n', labels }, spec: { containers: [] } }),
      object('v1', 'Pod', 'no-spec', 'n', { metadata: { name: 'no-spec', namespace: 'n', labels } }),
      object('v1', 'ConfigMap', 'labelled', 'n', { metadata: { name: 'labelled', namespace: 'n', labels } }),
      object('v1', 'Namespace', 'n', undefined, { metadata: { name: 'n', labels } }),
    ];
    const monitor = (kind: string, namespace: string | undefined, spec: Record<string, unknown>) => object('monitoring.coreos.com/v1', kind, 'mon', namespace, { spec });
    const selector = { matchLabels: labels };

    test('a ServiceMonitor selects Services carrying every selector label, in its own namespace', () => {
      expect(refs(monitor('ServiceMonitor', 'n', { selector }), all)).toEqual(['Namespace//n', 'Service/n/api']);
    });

    test('a PodMonitor selects the workloads and Pods (with a pod spec) whose pod labels carry every selector label', () => {
      expect(refs(monitor('PodMonitor', 'n', { selector }), all)).toEqual(['Namespace//n', 'Deployment/n/api', 'Pod/n/single']);
    });

    test('namespaceSelector.matchNames replaces the own namespace', () => {
      expect(refs(monitor('ServiceMonitor', 'n', { selector, namespaceSelector: { matchNames: ['m'] } }), all)).toEqual(['Namespace//n', 'Service/m/api']);
    });

    test('an empty or missing selector selects nothing (it would select everything), and so does a cluster-scoped monitor', () => {
      expect(refs(monitor('ServiceMonitor', 'n', { selector: { matchLabels: {} } }), all)).toEqual(['Namespace//n']);
      expect(refs(monitor('PodMonitor', 'n', {}), all)).toEqual(['Namespace//n']);
      expect(refs(monitor('ServiceMonitor', undefined, { selector }), all)).toEqual([]);
    });
  });

  test('an Ingress needs its default backend and every rule\'s backend Services', () => {
    const spec = {
      defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
      rules: [
        { host: 'a.example.invalid', http: { paths: [{ path: '/', backend: { service: { name: 'web' } } }, { path: '/api', backend: { service: { name: 'api' } } }] } },
        { host: 'b.example.invalid' },
        { http: { paths: [{ path: '/files', backend: { resource: { kind: 'Bucket', name: 'files' } } }, { path: '/none' }] } },
      ],
    };
    expect(refs(object('networking.k8s.io/v1', 'Ingress', 'i', 'n', { spec }))).toEqual(['Namespace//n', 'Service/n/fallback', 'Service/n/web', 'Service/n/api']);
    expect(refs(object('networking.k8s.io/v1', 'Ingress', 'i', 'n', { spec: { rules: spec.rules.slice(1) } }))).toEqual(['Namespace//n']);
    expect(refs(object('networking.k8s.io/v1', 'Ingress', 'i', 'n', { spec: { defaultBackend: { resource: { kind: 'Bucket', name: 'b' } } } }))).toEqual(['Namespace//n']);
  });

  test('kinds are told apart by API group: the same kind and fields of another group are no reference', () => {
    const fields = { roleRef: { kind: 'Role', name: 'r' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, secretRef: { name: 's' }, rules: [{ http: { paths: [{ backend: { service: { name: 'x' } } }] } }] } };
    for (const kind of ['RoleBinding', 'HorizontalPodAutoscaler', 'AlertProvider', 'Ingress']) {
      expect(refs(object('example.agentaskit.io/v1', kind, 'o', 'n', fields))).toEqual(['Namespace//n']);
    }
    // The core group has no prefix: `v1` is group "", so a core kind never matches a grouped case.
    expect(refs(object('v1', 'HorizontalPodAutoscaler', 'h', 'n', fields))).toEqual(['Namespace//n']);
    // The group is everything before the last "/" of the apiVersion.
    expect(refs(object('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n', fields))).toEqual(['Namespace//n', 'Deployment/n/d']);
  });
});

describe('runtimeObjectsOf: the Services a Flagger Canary creates', () => {
  const canary = (spec: Record<string, unknown> | undefined, apiVersion = 'flagger.app/v1beta1') => object(apiVersion, 'Canary', 'c', 'n', spec === undefined ? {} : { spec });

  test('named after spec.service.name, else the target', () => {
    expect(runtimeObjectsOf(canary({ targetRef: { name: 'api' }, service: { name: 'web' } })).map(keyOf)).toEqual(['Service/n/web', 'Service/n/web-primary', 'Service/n/web-canary']);
    expect(runtimeObjectsOf(canary({ targetRef: { name: 'api' }, service: { port: 80 } })).map(keyOf)).toEqual(['Service/n/api', 'Service/n/api-primary', 'Service/n/api-canary']);
  });

  test('cluster-scoped when the Canary has no namespace', () => {
    expect(runtimeObjectsOf(object('flagger.app/v1beta1', 'Canary', 'c', undefined, { spec: { targetRef: { name: 'api' } } }))).toStrictEqual([
      { kind: 'Service', name: 'api' },
      { kind: 'Service', name: 'api-primary' },
      { kind: 'Service', name: 'api-canary' },
    ]);
  });

  test('none without a name to derive them from, or for another group or kind', () => {
    expect(runtimeObjectsOf(canary({}))).toEqual([]);
    expect(runtimeObjectsOf(canary(undefined))).toEqual([]);
    expect(runtimeObjectsOf(canary({ targetRef: { name: 'api' } }, 'flagger.app.example.invalid/v1'))).toEqual([]);
    expect(runtimeObjectsOf({ ...canary({ targetRef: { name: 'api' } }), kind: 'MetricTemplate' })).toEqual([]);
  });
});
