/** @jest-environment-options {"globalsCleanup": "off"} */
/**
 * The Pulumi program under `pulumi.runtime.setMocks`, per stack: what it registers, with which
 * options, where the secrets go and what it outputs.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { existsSync } from 'fs';
import { join } from 'path';
import { CANARY_NAME, DASHBOARDS } from '../../lib/runbook';
import { SECRETS } from '../../lib/secrets';
import { ENVIRONMENTS } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { synthesizeEnvironment } from '../../stacks/synth';
import { runProgram } from '../../pulumi/program';
import { groupOf, keyOf } from '../../lib/manifest';
import { typeTokenOf } from '../../pulumi/resource-class';
import { WAIT_FOR_ANNOTATION } from '../../pulumi/resource-plan';
import { ROLLOUT_COMPLETE } from '../../pulumi/rollout-complete';
import { pulumiConfigSource, StackConfigError } from '../../pulumi/stack-config';
import { secretManifests } from '../../pulumi/secrets';
import { WorkflowStack } from '../../pulumi/workflow-stack';
import { WIDGET_API_VERSION, widget } from './fixtures';
import { configureMocks, MockRun, runWithMocks, unwrap } from './mocks';

// Distinctive values, so a leak anywhere is found by a plain substring search.
const SECRET_VALUES = Object.fromEntries(Object.keys(SECRETS).map((k) => [k, `s3cr3t-${k}-7f1c9e`]));

const identity = (o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }) =>
  `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'} ${o.metadata.name}`;

/** Whether `apiVersion` is a CRD group: `cdk8s import` generated its classes into imports/<group>.ts. */
const isImportedCrdGroup = (apiVersion: string) => groupOf({ apiVersion }) !== '' && existsSync(join(__dirname, '../../imports', `${groupOf({ apiVersion })}.ts`));


describe.each(ENVIRONMENTS)('stack %s', (environment) => {
  const synthesized = synthesizeEnvironment(loadEnvironment(environment));
  const namespace = synthesized.config.namespace;
  let run: MockRun<ReturnType<typeof runProgram>>;

  beforeAll(async () => {
    run = await runWithMocks(environment, { plain: { environment, kubeContext: `ctx-${environment}` }, secret: SECRET_VALUES }, () => runProgram(pulumiConfigSource()), (r) => r.outputs);
  });

  const objectResources = () => run.registered.filter((r) => /^kubernetes:[^:]+\/[^:]+:/.test(r.type));

  test('registers exactly one resource per synthesized object and referenced Secret', () => {
    const expected = [...synthesized.objects, ...secretManifests(namespace)].map(identity).sort();
    expect(objectResources().map((r) => identity(r.inputs as any)).sort()).toEqual(expected);
    for (const r of objectResources()) expect(r.type).toBe(typeTokenOf(r.inputs.apiVersion, r.inputs.kind));
  });

  test('the inputs are the synthesized objects (plus the initial replicas of HPA-managed workloads and await annotations)', () => {
    const byIdentity = new Map(objectResources().map((r) => [identity(r.inputs as any), r.inputs]));
    for (const object of synthesized.objects) {
      const { metadata: { annotations: { [WAIT_FOR_ANNOTATION]: waitFor, ...annotations } = {}, ...metadata }, ...inputs } = byIdentity.get(identity(object))! as any;
      if (object.kind === 'Deployment') expect(waitFor).toBe(ROLLOUT_COMPLETE);
      else if (waitFor !== undefined) expect(object.kind).toBe('Ingress');
      if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
      inputs.metadata = metadata;
      const { replicas, ...spec } = (inputs.spec ?? {}) as Record<string, unknown>;
      const own = (object.spec ?? {}) as Record<string, unknown>;
      if (own.replicas === undefined && object.kind === 'Deployment') expect(typeof replicas).toBe('number');
      expect({ ...inputs, spec }).toEqual(JSON.parse(JSON.stringify({ ...object, spec: Object.fromEntries(Object.entries(own).filter(([k]) => k !== 'replicas')) })));
    }
  });

  test('every object is a child of the WorkflowStack component and uses the stack\'s provider', () => {
    const provider = run.registered.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(provider.inputs).toMatchObject({ context: `ctx-${environment}`, enableServerSideApply: 'true' });
    const component = run.constructed.find((c) => c.type === 'agentaskit:deploy:WorkflowStack')!;
    expect(component.name).toBe(`agentaskit-${environment}`);
    const children = run.constructed.filter((c) => c.type.startsWith('kubernetes:') && c.type.includes('/'));
    expect(children).toHaveLength(objectResources().length);
    for (const child of children) expect(child.opts.parent).toBe(component.resource);
    for (const r of objectResources()) expect(r.provider).toMatch(new RegExp(`[:$]pulumi:providers:kubernetes::agentaskit-${environment}::`));
  });

  test('dependsOn, ignoreChanges and customTimeouts are on the resources that need them', () => {
    const stack = run.result.stack;
    const byResource = new Map(run.constructed.map((c) => [c.resource, c.opts]));
    for (const plan of stack.plans) {
      const opts = byResource.get(stack.resources.get(plan.key)!)!;
      expect(((opts.dependsOn ?? []) as pulumi.Resource[]).map((r) => [...stack.resources].find(([, v]) => v === r)![0])).toEqual(plan.dependsOn);
      expect(opts.ignoreChanges ?? []).toEqual(plan.ignoreChanges);
      expect(opts.customTimeouts).toEqual(plan.await ? { create: `${plan.await.timeoutSeconds}s`, update: `${plan.await.timeoutSeconds}s` } : undefined);
    }
    const hpaTargets = synthesized.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => keyOf({ kind: 'Deployment', name: (o.spec as any).scaleTargetRef.name, namespace }));
    expect(stack.plans.filter((p) => p.ignoreChanges.includes('spec.replicas')).map((p) => p.key).sort()).toEqual(hpaTargets.sort());
    expect(stack.plans.filter((p) => p.await).map((p) => p.ref.kind)).toEqual(synthesized.objects.filter((o) => o.kind === 'Deployment').map(() => 'Deployment'));
  });

  test('secrets reach the cluster only as Kubernetes Secrets, as Pulumi secrets', async () => {
    const secrets = objectResources().filter((r) => r.type === 'kubernetes:core/v1:Secret');
    expect(secrets.map((s) => s.inputs.metadata.name).sort()).toEqual([...new Set(Object.values(SECRETS).map((s) => s.name))].sort());
    for (const secret of secrets) {
      // Sent to the engine wrapped as a secret (encrypted in state, masked in previews).
      expect(secret.inputs.stringData[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    }
    for (const [key, ref] of Object.entries(SECRETS)) {
      const resource = run.result.stack.resources.get(keyOf({ kind: 'Secret', name: ref.name, namespace })) as k8s.core.v1.Secret;
      const stringData = await unwrap(resource.stringData);
      expect(stringData.secret).toBe(true);
      expect(stringData.value).toEqual({ [ref.key]: SECRET_VALUES[key] });
    }
    const elsewhere = JSON.stringify([synthesized.objects, run.outputs, objectResources().filter((r) => r.type !== 'kubernetes:core/v1:Secret').map((r) => r.inputs)]);
    for (const value of Object.values(SECRET_VALUES)) expect(elsewhere).not.toContain(value);
  });

  test('every object of a CRD kind (Flagger, prometheus-operator, …) is a CustomResource; built-in kinds have their typed class', () => {
    const crds = synthesized.objects.filter((o) => isImportedCrdGroup(o.apiVersion));
    expect(crds.map((o) => o.kind)).toContain('Canary');
    for (const object of synthesized.objects) {
      const resource = run.result.stack.resources.get(keyOf({ kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace }));
      expect({ object: identity(object), custom: resource instanceof k8s.apiextensions.CustomResource }).toEqual({ object: identity(object), custom: crds.includes(object) });
    }
  });

  test('outputs the namespace, deployments, canary, API URL and dashboard URLs', () => {
    expect(run.outputs).toEqual({
      namespace,
      deployments: synthesized.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort(),
      canaryName: CANARY_NAME,
      canaryAnalysisTimeoutSeconds: synthesized.chart.canary.timing.wait.timeoutSeconds,
      apiUrl: `https://${synthesized.config.apiHost}`,
      dashboardUrls: Object.fromEntries(Object.entries(DASHBOARDS).map(([k, d]) => [k, `${synthesized.config.grafanaUrl}/d/${d.uid}`])),
    });
  });
});

test('the entry module runs the program from the stack config and exports its outputs', async () => {
  const apiServerCidrs = '10.96.0.1/32,203.0.113.10/32';
  const run = await runWithMocks('production', { plain: { environment: 'production', imageTag: '1.5.0', apiServerCidrs }, secret: SECRET_VALUES }, () => {
    let exported: unknown;
    jest.isolateModules(() => {
      exported = require('../../pulumi/index');
    });
    return exported as Record<string, unknown>;
  }, (r) => r);
  expect(run.outputs).toMatchObject({ namespace: 'agentaskit-production', canaryName: CANARY_NAME, apiUrl: 'https://api.agentaskit.io' });
  const worker = run.registered.find((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.inputs.metadata.name === 'agent-worker')!;
  expect(worker.inputs.spec.template.spec.containers[0].image).toMatch(/:1\.5\.0$/);
  // The stack's API server CIDRs are the agent-manager's only egress to the Kubernetes API.
  const egressCidrs = run.registered
    .filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy')
    .flatMap((r) => (r.inputs.spec.egress ?? []).flatMap((rule: any) => (rule.to ?? []).map((peer: any) => peer.ipBlock?.cidr)))
    .filter((cidr: string | undefined) => cidr !== undefined);
  expect(egressCidrs).toEqual(expect.arrayContaining(apiServerCidrs.split(',')));
});

test('objects of kinds the program has no code for are registered as custom resources after what they read', async () => {
  // Staging shipping the dashboards, so that it has ConfigMaps for the widget to read.
  const synthesized = synthesizeEnvironment(loadEnvironment('staging', { grafanaUrl: 'https://grafana.staging.agentaskit.io', monitoring: { dashboards: 'ship' } }));
  const namespace = synthesized.config.namespace;
  const configMap = synthesized.objects.find((o) => o.kind === 'ConfigMap')!.metadata.name;
  const gizmo = widget(namespace, SECRETS.adminToken.name, configMap);
  const run = await runWithMocks('staging', {}, () => new WorkflowStack('agentaskit-staging', {
    synthesized: { ...synthesized, objects: [...synthesized.objects, gizmo] },
    secrets: SECRET_VALUES as any,
  }), (stack) => ({ canaryName: stack.canaryName }));
  const registered = run.registered.find((r) => r.inputs.metadata && identity(r.inputs as any) === identity(gizmo))!;
  expect(registered.type).toBe(`kubernetes:${WIDGET_API_VERSION}:Widget`);
  const resources = run.result.resources;
  const resource = resources.get(keyOf({ kind: 'Widget', name: 'gizmo', namespace }))!;
  expect(resource).toBeInstanceOf(k8s.apiextensions.CustomResource);
  const opts = run.constructed.find((c) => c.resource === resource)!.opts;
  expect(opts.dependsOn).toEqual(expect.arrayContaining([
    resources.get(keyOf({ kind: 'Secret', name: SECRETS.adminToken.name, namespace })),
    resources.get(keyOf({ kind: 'ConfigMap', name: configMap, namespace })),
  ]));
  expect(run.outputs).toEqual({ canaryName: CANARY_NAME });
  // Values handed over as plain strings still become Pulumi secrets.
  const secret = resources.get(keyOf({ kind: 'Secret', name: SECRETS.adminToken.name, namespace })) as k8s.core.v1.Secret;
  expect((await unwrap(secret.stringData)).secret).toBe(true);
});

test('fails when the chart synthesizes no runbook canary', () => {
  const synthesized = synthesizeEnvironment(loadEnvironment('dev'));
  const objects = synthesized.objects.filter((o) => o.kind !== 'Canary');
  expect(() => new WorkflowStack('agentaskit-dev', { synthesized: { ...synthesized, objects }, secrets: SECRET_VALUES as any }))
    .toThrow(`dev: the chart synthesizes no Canary "${CANARY_NAME}" (the runbook's canary). Fix:`);
});

test('fails on invalid stack config before registering any resource', async () => {
  const secret = { ...SECRET_VALUES };
  delete secret.pagerdutyRoutingKey;
  const { adminToken, ...encrypted } = secret;
  const registered = await configureMocks('dev', { plain: { environment: 'dev', imageTag: 'v1 2', adminToken: adminToken!, apiHostname: 'x' }, secret: encrypted });
  expect(() => runProgram(pulumiConfigSource())).toThrow(StackConfigError);
  const message = (() => { try { runProgram(pulumiConfigSource()); return ''; } catch (e) { return (e as Error).message; } })();
  expect(message).toContain('agentaskit-deploy:apiHostname is not a setting of this project');
  expect(message).toContain('agentaskit-deploy:imageTag is "v1 2"');
  expect(message).toContain('agentaskit-deploy:pagerdutyRoutingKey is not set (a required secret). Fix:\n      pulumi config set --secret agentaskit-deploy:pagerdutyRoutingKey <value>');
  expect(message).toContain('agentaskit-deploy:adminToken is stored in plaintext. Fix:\n      pulumi config set --secret agentaskit-deploy:adminToken <value>');
  expect(message).not.toContain(adminToken);
  await new Promise((resolve) => setImmediate(resolve));
  expect(registered).toEqual([]);
});
