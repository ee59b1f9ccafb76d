import * as k8s from '@pulumi/kubernetes';
import { COMPONENTS, CANARY_NAME, PRODUCTION_AGENT_POOL_SIZE } from '../../lib/runbook';
import { SECRETS } from '../../lib/secrets';
import { ENVIRONMENTS } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { compareObjects, ManifestObject, synthesizeEnvironment, SynthesizedEnvironment } from '../../stacks/synth';
import { keyOf } from '../../pulumi/references';
import { resourceClassFor } from '../../pulumi/resource-class';
import { AWAIT_SAFETY_FACTOR, DEFAULT_AWAIT_SECONDS, planResources, ResourcePlan } from '../../pulumi/resource-plan';
import { secretManifests } from '../../pulumi/secrets';
import { crdObjects } from './fixtures';

const synthesized = new Map<string, SynthesizedEnvironment>(ENVIRONMENTS.map((e) => [e, synthesizeEnvironment(loadEnvironment(e))]));

function plansOf(environment: string, extra: readonly ManifestObject[] = []): ResourcePlan[] {
  const env = synthesized.get(environment)!;
  return planResources(environment, [...env.objects, ...secretManifests(env.config.namespace), ...extra].sort(compareObjects));
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
    const again = planResources(environment, [...synthesizeEnvironment(loadEnvironment(environment)).objects, ...secretManifests(namespace)].sort(compareObjects));
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

  test('RBAC, Secrets, ServiceAccounts, PriorityClass, HPA targets and Ingress backends are ordered explicitly', () => {
    const ns = (kind: string, name: string) => keyOf({ kind, name, namespace });
    const manager = COMPONENTS.agentManager.name;
    const worker = COMPONENTS.agentWorker.name;
    const orchestrator = COMPONENTS.orchestrator.name;
    expect(plan(plans, 'RoleBinding', manager).dependsOn).toEqual(expect.arrayContaining([ns('Role', manager), ns('ServiceAccount', manager)]));
    expect(plan(plans, 'Deployment', orchestrator).dependsOn).toEqual(expect.arrayContaining([ns('Secret', SECRETS.adminToken.name), ns('ServiceAccount', orchestrator)]));
    const priorityClass = env.objects.find((o) => o.kind === 'PriorityClass')!.metadata.name;
    expect(plan(plans, 'Deployment', worker).dependsOn).toContain(keyOf({ kind: 'PriorityClass', name: priorityClass }));
    expect(plan(plans, 'HorizontalPodAutoscaler', worker).dependsOn).toContain(ns('Deployment', worker));
    expect(plan(plans, 'Ingress', orchestrator).dependsOn).toContain(ns('Service', orchestrator));
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
    expect((manager.object.spec as any).replicas).toBe(env.config.agentManager.replicas);
  });

  test("the agent-worker's await is sized from the pool's rollout arithmetic", () => {
    const worker = plan(plans, 'Deployment', COMPONENTS.agentWorker.name);
    const rollout = env.chart.agentWorkers.rollout;
    // Read back from the manifest, the arithmetic is the construct's own.
    expect(worker.await!.rollout).toEqual(rollout);
    expect(worker.await!.timeoutSeconds).toBe(Math.max(DEFAULT_AWAIT_SECONDS, AWAIT_SAFETY_FACTOR * rollout.worstCaseSeconds));
    // A healthy rollout fits with room; a stuck one is flagged by Kubernetes long before Pulumi gives up.
    expect(worker.await!.timeoutSeconds).toBeGreaterThanOrEqual(2 * rollout.worstCaseSeconds);
    const deployment = env.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === COMPONENTS.agentWorker.name)!;
    expect((deployment.spec as any).progressDeadlineSeconds).toBeLessThan(worker.await!.timeoutSeconds);
  });

  test('objects of kinds the program has no code for are planned and ordered after what they need', () => {
    const extra = crdObjects(namespace);
    const withCrds = plansOf(environment, extra);
    expect(withCrds).toHaveLength(plans.length + extra.length);
    const ns = (kind: string, name: string) => keyOf({ kind, name, namespace });
    expect(plan(withCrds, 'Canary', CANARY_NAME).dependsOn).toEqual([
      ns('AlertProvider', 'slack'),
      ns('Deployment', COMPONENTS.orchestrator.name),
      ns('HorizontalPodAutoscaler', COMPONENTS.orchestrator.name),
      ns('MetricTemplate', 'error-rate'),
      nsKey,
    ].sort());
    expect(plan(withCrds, 'AlertProvider', 'slack').dependsOn).toEqual([nsKey, ns('Secret', SECRETS.slackWebhook.name)].sort());
    expect(plan(withCrds, 'AlertmanagerConfig', 'agentaskit-routing').dependsOn).toEqual([nsKey, ns('Secret', SECRETS.pagerdutyRoutingKey.name)].sort());
    expect(plan(withCrds, 'ServiceMonitor', 'orchestrator').dependsOn).toEqual([nsKey, ns('Service', COMPONENTS.orchestrator.name)].sort());
    expect(plan(withCrds, 'PodMonitor', 'agent-worker').dependsOn).toEqual([ns('Deployment', COMPONENTS.agentWorker.name), nsKey].sort());
    expect(plan(withCrds, 'PrometheusRule', 'agentaskit-rules').dependsOn).toEqual([nsKey]);
    // A dashboard ConfigMap in Grafana's namespace needs nothing of ours.
    expect(plan(withCrds, 'ConfigMap', 'dashboard-agents').dependsOn).toEqual([]);
  });
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
