import * as k8s from '@pulumi/kubernetes';
import { COMPONENTS, CANARY_NAME, PRODUCTION_AGENT_POOL_SIZE } from '../../lib/runbook';
import { SECRETS } from '../../lib/secrets';
import { ENVIRONMENTS } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { compareObjects, ManifestObject, synthesizeEnvironment, SynthesizedEnvironment } from '../../stacks/synth';
import { keyOf } from '../../lib/manifest';
import { referencesOf, runtimeObjectsOf } from '../../pulumi/references';
import { resourceClassFor } from '../../pulumi/resource-class';
import {
  AWAIT_SAFETY_FACTOR, awaitPlanOf, DEFAULT_AWAIT_SECONDS, KUBERNETES_PROGRESS_DEADLINE_SECONDS, LOAD_BALANCER_ADDRESS, planResources, ResourcePlan,
  rolloutPlansOf, WAIT_FOR_ANNOTATION,
} from '../../pulumi/resource-plan';
import { ROLLOUT_COMPLETE } from '../../pulumi/rollout-complete';
import { secretManifests } from '../../pulumi/secrets';
import { planRollout, RolloutBudget } from '../../lib/workloads/rollout';
import { WIDGET_API_VERSION, widget } from './fixtures';

const synthesized = new Map<string, SynthesizedEnvironment>(ENVIRONMENTS.map((e) => [e, synthesizeEnvironment(loadEnvironment(e))]));

function plansOf(environment: string, extra: readonly ManifestObject[] = []): ResourcePlan[] {
  const env = synthesized.get(environment)!;
  return planResources(environment, [...env.objects, ...secretManifests(env.config.namespace), ...extra].sort(compareObjects), rolloutPlansOf(env.chart));
}

/**
 * The rollout inputs as a Deployment's manifest states them: replicas at the HPA maximum, the
 * percent surge and unavailability, the startup probe's budget (initialDelay + period ×
 * failureThreshold, the longest a healthy container may take) and minReadySeconds.
 */
function rolloutBudgetInManifest(deployment: ManifestObject, hpa: ManifestObject | undefined): RolloutBudget {
  const spec = deployment.spec as any;
  const percent = (value: string) => Number(/^(\d+)%$/.exec(value)![1]);
  const starts = spec.template.spec.containers.filter((c: any) => c.startupProbe).map((c: any) => {
    const p = c.startupProbe;
    return (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
  });
  return {
    replicas: (hpa?.spec as any)?.maxReplicas ?? spec.replicas,
    maxSurgePercent: percent(spec.strategy.rollingUpdate.maxSurge),
    maxUnavailablePercent: percent(spec.strategy.rollingUpdate.maxUnavailable),
    podStartSeconds: Math.max(...starts),
    minReadySeconds: spec.minReadySeconds ?? 0,
  };
}

function plan(plans: readonly ResourcePlan[], kind: string, name: string): ResourcePlan {
  const found = plans.find((p) => p.ref.kind === kind && p.ref.name === name);
  if (!found) throw new Error(`no plan for ${kind} ${name}`);
  return found;
}

describe.each(ENVIRONMENTS)('resource plan of %s', (environment) => {
  const env = synthesized.get(environment)!;
  const namespace = env.config.namespace;
  const plans = plansOf(environment);
  const nsKey = keyOf({ kind: 'Namespace', name: namespace });

  test('one plan per synthesized object and per referenced Secret, named <env>-<kind>-<namespace>-<name>', () => {
    expect(plans.map((p) => p.key).sort()).toEqual(
      [...env.objects, ...secretManifests(namespace)].map((o) => keyOf({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace })).sort(),
    );
    for (const p of plans) {
      const expected = [environment, p.ref.kind, ...(p.ref.namespace ? [p.ref.namespace] : []), p.ref.name].join('-').toLowerCase();
      expect(p.name).toBe(expected);
    }
  });

  test('names and options are identical on a second synthesis (URNs never churn)', () => {
    const fresh = synthesizeEnvironment(loadEnvironment(environment));
    const again = planResources(environment, [...fresh.objects, ...secretManifests(namespace)].sort(compareObjects), rolloutPlansOf(fresh.chart));
    expect(again.map((p) => [p.name, p.dependsOn, p.ignoreChanges, p.await?.timeoutSeconds])).toEqual(plans.map((p) => [p.name, p.dependsOn, p.ignoreChanges, p.await?.timeoutSeconds]));
  });

  test('the Namespace comes first and everything namespaced depends on it', () => {
    expect(plans[0]!.key).toBe(nsKey);
    for (const p of plans.filter((p) => p.ref.namespace !== undefined)) expect(p.dependsOn).toContain(nsKey);
  });

  test('every resource is registered after all it depends on', () => {
    const position = new Map(plans.map((p, i) => [p.key, i]));
    for (const p of plans) for (const dep of p.dependsOn) expect(position.get(dep)!).toBeLessThan(position.get(p.key)!);
  });

  test('RBAC, Secrets, ServiceAccounts, PriorityClass and HPA targets are ordered explicitly', () => {
    const ns = (kind: string, name: string) => keyOf({ kind, name, namespace });
    const manager = COMPONENTS.agentManager.name;
    const worker = COMPONENTS.agentWorker.name;
    const orchestrator = COMPONENTS.orchestrator.name;
    expect(plan(plans, 'RoleBinding', manager).dependsOn).toEqual(expect.arrayContaining([ns('Role', manager), ns('ServiceAccount', manager)]));
    expect(plan(plans, 'Deployment', orchestrator).dependsOn).toEqual(expect.arrayContaining([ns('Secret', SECRETS.adminToken.name), ns('ServiceAccount', orchestrator)]));
    const priorityClass = env.objects.find((o) => o.kind === 'PriorityClass')!.metadata.name;
    expect(plan(plans, 'Deployment', worker).dependsOn).toContain(keyOf({ kind: 'PriorityClass', name: priorityClass }));
    for (const hpa of env.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      expect(plan(plans, 'HorizontalPodAutoscaler', hpa.metadata.name).dependsOn).toContain(ns('Deployment', (hpa.spec as any).scaleTargetRef.name));
    }
  });

  test('every reference is to an object of the set or to one an operator creates from it at runtime', () => {
    const all = [...env.objects, ...secretManifests(namespace)];
    const runtime = all.flatMap(runtimeObjectsOf).map(keyOf);
    for (const p of plans) {
      const references = [...new Set(referencesOf(p.object, all).map(keyOf))];
      expect({ object: p.key, references: references.filter((k) => !p.dependsOn.includes(k) && !p.runtimeReferences.includes(k)) }).toEqual({ object: p.key, references: [] });
      for (const k of p.runtimeReferences) expect(runtime).toContain(k);
    }
  });

  test('the Canary depends on the target, autoscaler, Ingress, metric templates and alert providers it references', () => {
    const canary = env.objects.find((o) => o.kind === 'Canary' && o.metadata.name === CANARY_NAME)!;
    const spec = canary.spec as any;
    const ns = (ref: { kind: string; name: string }): string => keyOf({ kind: ref.kind, name: ref.name, namespace });
    const referenced = [
      spec.targetRef, spec.autoscalerRef, ...(spec.ingressRef ? [spec.ingressRef] : []),
      ...spec.analysis.metrics.map((m: any) => ({ kind: 'MetricTemplate', name: m.templateRef.name })),
      ...spec.analysis.alerts.map((a: any) => ({ kind: 'AlertProvider', name: a.providerRef.name })),
    ].map(ns);
    expect(spec.analysis.metrics.length).toBeGreaterThan(0);
    expect(spec.analysis.alerts.length).toBeGreaterThan(0);
    // Each is a real object of the set, so each is a dependency.
    expect(plan(plans, 'Canary', CANARY_NAME).dependsOn).toEqual([...referenced, nsKey].sort());
    for (const provider of env.objects.filter((o) => o.kind === 'AlertProvider')) {
      expect(plan(plans, 'AlertProvider', provider.metadata.name).dependsOn).toEqual([nsKey, ns({ kind: 'Secret', name: (provider.spec as any).secretRef.name })].sort());
    }
  });

  test('an Ingress routing to a Service the Canary creates at runtime waits for its address only; others keep the default await', () => {
    const canary = env.objects.find((o) => o.kind === 'Canary')!;
    const created = runtimeObjectsOf(canary).map(keyOf);
    for (const ingress of env.objects.filter((o) => o.kind === 'Ingress')) {
      const p = plan(plans, 'Ingress', ingress.metadata.name);
      const backends = (ingress.spec as any).rules.flatMap((r: any) => r.http.paths.map((path: any) => keyOf({ kind: 'Service', name: path.backend.service.name, namespace })));
      const fromCanary = backends.filter((k: string) => created.includes(k));
      expect(p.runtimeReferences).toEqual([...new Set(fromCanary)].sort());
      // Ordering the Ingress after the Canary would be a cycle: the Canary's ingressRef needs the Ingress.
      expect(p.dependsOn).toEqual(expect.arrayContaining(backends.filter((k: string) => !created.includes(k))));
      expect((p.object.metadata.annotations as Record<string, string> | undefined)?.[WAIT_FOR_ANNOTATION]).toBe(fromCanary.length > 0 ? LOAD_BALANCER_ADDRESS : undefined);
    }
    // The orchestrator's Ingress is the one: Flagger creates its Service `orchestrator`.
    const orchestrator = plan(plans, 'Ingress', COMPONENTS.orchestrator.name);
    expect(orchestrator.runtimeReferences).toEqual([keyOf({ kind: 'Service', name: COMPONENTS.orchestrator.name, namespace })]);
    expect(env.objects.some((o) => o.kind === 'Service' && o.metadata.name === COMPONENTS.orchestrator.name)).toBe(false);
  });

  test('every Deployment waits for its rollout to complete (pulumi.com/waitFor), its own annotations kept', () => {
    for (const p of plans.filter((p) => p.ref.kind === 'Deployment')) {
      const own = synthesized.get(environment)!.objects.find((o) => keyOf({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }) === p.key)!;
      expect(p.object.metadata.annotations).toEqual({ ...(own.metadata.annotations as object | undefined), [WAIT_FOR_ANNOTATION]: ROLLOUT_COMPLETE });
    }
    const others = plans.filter((p) => p.ref.kind !== 'Deployment' && p.ref.kind !== 'Ingress');
    expect(others.filter((p) => (p.object.metadata.annotations as Record<string, string> | undefined)?.[WAIT_FOR_ANNOTATION] !== undefined)).toEqual([]);
  });

  test('HPA-managed Deployments are created at the HPA minimum and their replicas are never reset', () => {
    for (const hpa of env.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      const target = (hpa.spec as any).scaleTargetRef.name as string;
      const p = plan(plans, 'Deployment', target);
      expect((p.object.spec as any).replicas).toBe((hpa.spec as any).minReplicas);
      expect(p.ignoreChanges).toEqual(['spec.replicas']);
      // The synthesized manifest itself stays without replicas (dist/ and kubectl never reset it).
      expect((env.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === target)!.spec as any).replicas).toBeUndefined();
    }
    const manager = plan(plans, 'Deployment', COMPONENTS.agentManager.name);
    expect(manager.ignoreChanges).toEqual([]);
    expect((manager.object.spec as any).replicas).toBe(env.chart.agentManager.deployment.replicas);
  });

  test('no object forces server-side apply conflicts: a forced apply could overwrite the HPA\'s count', () => {
    for (const p of plans) expect({ key: p.key, annotations: p.object.metadata.annotations ?? {} }).not.toHaveProperty(['annotations', 'pulumi.com/patchForce']);
  });

  test("the agent-worker's await is sized from the pool's rollout arithmetic", () => {
    const worker = plan(plans, 'Deployment', COMPONENTS.agentWorker.name);
    const rollout = env.chart.agentWorkers.rollout;
    expect(worker.await!.rollout).toBe(rollout);
    expect(worker.await!.timeoutSeconds).toBe(Math.max(DEFAULT_AWAIT_SECONDS, AWAIT_SAFETY_FACTOR * rollout.worstCaseSeconds));
    // A healthy rollout fits with room; a stuck one is flagged by Kubernetes long before Pulumi gives up.
    expect(worker.await!.timeoutSeconds).toBeGreaterThanOrEqual(2 * rollout.worstCaseSeconds);
  });

  test('every Deployment is awaited by the rollout plan its construct computed, which its manifest states the inputs of', () => {
    for (const deployment of env.objects.filter((o) => o.kind === 'Deployment')) {
      const planned = plan(plans, 'Deployment', deployment.metadata.name);
      const hpa = env.objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && (o.spec as any).scaleTargetRef.name === deployment.metadata.name);
      expect(planned.await!.rollout).toEqual(planRollout(rolloutBudgetInManifest(deployment, hpa)));
    }
  });

  test("every Deployment's stall limit is its own progressDeadlineSeconds, and Pulumi's timeout never cuts it short", () => {
    for (const deployment of env.objects.filter((o) => o.kind === 'Deployment')) {
      const planned = plan(plans, 'Deployment', deployment.metadata.name);
      expect(planned.await!.stallLimitSeconds).toBe((deployment.spec as any).progressDeadlineSeconds);
      expect(planned.await!.timeoutSeconds).toBeGreaterThanOrEqual(planned.await!.stallLimitSeconds);
    }
  });

  test('objects of kinds the program has no code for are planned and ordered after what they need', () => {
    // Only the environment shipping the dashboards has ConfigMaps of its own; give the others one.
    const own = env.objects.find((o) => o.kind === 'ConfigMap');
    const settings: ManifestObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gizmo-settings', namespace }, data: {} };
    const configMap = (own ?? settings).metadata.name;
    const gizmo = widget(namespace, SECRETS.adminToken.name, configMap);
    const withWidget = plansOf(environment, own ? [gizmo] : [settings, gizmo]);
    expect(withWidget).toHaveLength(plans.length + (own ? 1 : 2));
    const ns = (kind: string, name: string) => keyOf({ kind, name, namespace });
    expect(plan(withWidget, 'Widget', 'gizmo').dependsOn).toEqual([ns('ConfigMap', configMap), nsKey, ns('Secret', SECRETS.adminToken.name)].sort());
    expect(resourceClassFor(WIDGET_API_VERSION, 'Widget')).toBe(k8s.apiextensions.CustomResource);
  });
});

test('fails short of no stall limit: a deadline longer than the rollout budget raises the timeout; none means Kubernetes\' 600 s', () => {
  const worker = synthesized.get('production')!.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === COMPONENTS.agentWorker.name)!;
  const withDeadline = (seconds: number | undefined) => {
    const { progressDeadlineSeconds: _, ...rest } = worker.spec as any;
    return awaitPlanOf({ ...worker, spec: seconds === undefined ? rest : { ...rest, progressDeadlineSeconds: seconds } }, synthesized.get('production')!.chart.agentWorkers.rollout)!;
  };
  expect(withDeadline(undefined).stallLimitSeconds).toBe(KUBERNETES_PROGRESS_DEADLINE_SECONDS);
  expect(withDeadline(5000)).toMatchObject({ stallLimitSeconds: 5000, timeoutSeconds: 5000 });
  expect(withDeadline(60).timeoutSeconds).toBe(Math.max(DEFAULT_AWAIT_SECONDS, AWAIT_SAFETY_FACTOR * withDeadline(60).rollout.worstCaseSeconds));
});

test('production creates the agent pool at the runbook\'s 928 agents', () => {
  const worker = plan(plansOf('production'), 'Deployment', COMPONENTS.agentWorker.name);
  expect((worker.object.spec as any).replicas).toBe(PRODUCTION_AGENT_POOL_SIZE);
});

test('fails when two objects share a kind, namespace and name', () => {
  const namespace = synthesized.get('dev')!.config.namespace;
  expect(() => plansOf('dev', secretManifests(namespace).slice(0, 1))).toThrow(/two objects are named Secret\/agentaskit-dev\/agentaskit-admin-token.*give one another name/);
});

test('fails when objects depend on each other in a cycle', () => {
  const hpa = (name: string, target: string): ManifestObject => ({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'n' }, spec: { scaleTargetRef: { kind: 'HorizontalPodAutoscaler', name: target } },
  });
  expect(() => planResources('dev', [hpa('a', 'b'), hpa('b', 'a')])).toThrow(/cycle: HorizontalPodAutoscaler\/n\/a -> HorizontalPodAutoscaler\/n\/b -> HorizontalPodAutoscaler\/n\/a/);
});

describe('resource classes by apiVersion/kind', () => {
  test.each([
    ['v1', 'Namespace', k8s.core.v1.Namespace],
    ['v1', 'ConfigMap', k8s.core.v1.ConfigMap],
    ['apps/v1', 'Deployment', k8s.apps.v1.Deployment],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', k8s.rbac.v1.RoleBinding],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', k8s.autoscaling.v2.HorizontalPodAutoscaler],
    ['scheduling.k8s.io/v1', 'PriorityClass', k8s.scheduling.v1.PriorityClass],
    ['policy/v1', 'PodDisruptionBudget', k8s.policy.v1.PodDisruptionBudget],
    ['flagger.app/v1beta1', 'Canary', k8s.apiextensions.CustomResource],
    ['monitoring.coreos.com/v1', 'PrometheusRule', k8s.apiextensions.CustomResource],
    ['monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig', k8s.apiextensions.CustomResource],
  ] as const)('%s %s', (apiVersion, kind, cls) => {
    expect(resourceClassFor(apiVersion, kind)).toBe(cls);
  });

  test('fails when a built-in kind has no class in the SDK', () => {
    expect(() => resourceClassFor('apps/v1', 'Gadget')).toThrow('No @pulumi/kubernetes class for built-in apps/v1 Gadget. Fix: upgrade @pulumi/kubernetes');
  });
});

describe('objects Flagger creates at runtime', () => {
  const canary = (spec: Record<string, unknown>): ManifestObject => ({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'c', namespace: 'n' }, spec });

  test("are the apex, primary and canary Services named after the target, or after spec.service.name", () => {
    const names = (o: ManifestObject) => runtimeObjectsOf(o).map(keyOf);
    expect(names(canary({ targetRef: { kind: 'Deployment', name: 'api' } }))).toEqual(['Service/n/api', 'Service/n/api-primary', 'Service/n/api-canary']);
    expect(names(canary({ targetRef: { kind: 'Deployment', name: 'api' }, service: { name: 'web', port: 80 } }))).toEqual(['Service/n/web', 'Service/n/web-primary', 'Service/n/web-canary']);
  });

  test('are none for other kinds, even with the same fields', () => {
    expect(runtimeObjectsOf({ ...canary({ targetRef: { name: 'api' } }), apiVersion: WIDGET_API_VERSION })).toEqual([]);
  });

  test('a Service nobody creates is no runtime reference: the Ingress keeps the default await', () => {
    const ingress: ManifestObject = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'n' },
      spec: { rules: [{ http: { paths: [{ backend: { service: { name: 'api' } } }] } }] },
    };
    const [withCanary] = planResources('dev', [ingress, canary({ targetRef: { kind: 'Deployment', name: 'api' }, ingressRef: { kind: 'Ingress', name: 'i' } })]);
    expect(withCanary!.runtimeReferences).toEqual(['Service/n/api']);
    expect(withCanary!.object.metadata.annotations).toEqual({ [WAIT_FOR_ANNOTATION]: LOAD_BALANCER_ADDRESS });
    const [alone] = planResources('dev', [ingress]);
    expect(alone!.runtimeReferences).toEqual([]);
    expect(alone!.object).toBe(ingress);
  });
});

describe('references of prometheus-operator objects (a standalone set, apart from any chart)', () => {
  const meta = (name: string, labels: Record<string, string> = {}) => ({ name, namespace: 'n', labels });
  const pod = { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'example.invalid/api:1.0.0' }] } } };
  const set: ManifestObject[] = [
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('pager') },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('api', { app: 'api' }), spec: { selector: { app: 'api' } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('api'), spec: pod },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta('sm'), spec: { selector: { matchLabels: { app: 'api' } } } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('pm'), spec: { selector: { matchLabels: { app: 'api' } } } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('other'), spec: { selector: { matchLabels: { app: 'web' } } } },
    {
      apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig', metadata: meta('routing'),
      spec: { receivers: [{ name: 'p', pagerdutyConfigs: [{ routingKey: { name: 'pager', key: 'routing-key' } }] }] },
    },
  ];
  const plans = planResources('dev', set);

  test('a ServiceMonitor depends on the Services it selects, a PodMonitor on the workloads whose pods it selects', () => {
    expect(plan(plans, 'ServiceMonitor', 'sm').dependsOn).toEqual(['Service/n/api']);
    expect(plan(plans, 'PodMonitor', 'pm').dependsOn).toEqual(['Deployment/n/api']);
    expect(plan(plans, 'PodMonitor', 'other').dependsOn).toEqual([]);
  });

  test('an AlertmanagerConfig depends on the Secrets its receivers read', () => {
    expect(plan(plans, 'AlertmanagerConfig', 'routing').dependsOn).toEqual(['Secret/n/pager']);
  });
});
