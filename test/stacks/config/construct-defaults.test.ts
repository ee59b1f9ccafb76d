/**
 * BASE says only what production decides; a field it leaves out (Rule.optional) takes the
 * construct's documented default. These tests read the defaults back from the manifest, so a
 * default dropped on the way (config → WorkflowChart → construct) fails here.
 */
import { CANARY_NAME, COMPONENTS } from '../../../lib/runbook';
import { BASE, ConfigError, resolveEnvironment } from '../../../stacks/config';
import { ManifestObject, synthesizeEnvironment } from '../../../stacks/synth';
import { findObject } from '../../support/environments';

const { orchestrator, agentManager, agentWorker } = COMPONENTS;

function objectsOf(environment: string, ...overrides: unknown[]): readonly ManifestObject[] {
  return synthesizeEnvironment(resolveEnvironment(environment, ...overrides)).objects;
}

const spec = (objects: readonly ManifestObject[], kind: string, name: string) => findObject(objects, kind, name).spec as any;
const container = (objects: readonly ManifestObject[], name: string) => spec(objects, 'Deployment', name).template.spec.containers[0];

describe('a field the config leaves out takes the construct default', () => {
  const production = objectsOf('production');

  test('BASE leaves out what the constructs default', () => {
    expect(BASE).not.toHaveProperty('orchestrator');
    expect(BASE).not.toHaveProperty('agentManager');
    expect(Object.keys(BASE.agentWorker).sort()).toEqual(['maxReplicas', 'poolSize']);
    expect(Object.keys(BASE.canary).sort()).toEqual(['loadTester', 'provider']);
  });

  test('Orchestrator: 3 to 10 replicas, 500 millicores, 512 MiB', () => {
    expect(spec(production, 'HorizontalPodAutoscaler', orchestrator.name)).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(container(production, orchestrator.name).resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '512Mi' } });
  });

  test('AgentManager: 2 replicas, 250 millicores, 256 MiB', () => {
    expect(spec(production, 'Deployment', agentManager.name).replicas).toBe(2);
    expect(container(production, agentManager.name).resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } });
  });

  test('AgentWorkerPool: 25 % surge, 10 % unavailable, 60 s start, 600 s tasks, 250 millicores, 512 MiB', () => {
    const pool = spec(production, 'Deployment', agentWorker.name);
    expect(pool.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '10%' });
    expect(pool.template.spec.terminationGracePeriodSeconds).toBe(600 + 30);
    expect(container(production, agentWorker.name).startupProbe.failureThreshold).toBe(60 / 5);
    expect(container(production, agentWorker.name).resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } });
  });

  test('CanaryRelease: a 30 s interval, threshold 4, a 120 s window, 180 s deadline, 10 % steps to 50 %', () => {
    const canary = spec(production, 'Canary', CANARY_NAME);
    expect(canary.progressDeadlineSeconds).toBe(180);
    expect(canary.analysis).toMatchObject({ interval: '30s', threshold: 4, maxWeight: 50, stepWeight: 10 });
    expect(new Set(canary.analysis.metrics.map((m: { interval: string }) => m.interval))).toEqual(new Set(['2m']));
  });

  test('setting one resource keeps the default of the other', () => {
    const objects = objectsOf('production', { orchestrator: { cpuMillis: 700 } });
    expect(container(objects, orchestrator.name).resources).toEqual({ requests: { cpu: '700m', memory: '512Mi' }, limits: { memory: '512Mi' } });
    expect(spec(objects, 'HorizontalPodAutoscaler', orchestrator.name)).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
  });

  test('an explicit undefined is the same as leaving the field out', () => {
    expect(objectsOf('production', { agentManager: { replicas: undefined }, canary: { threshold: undefined } })).toEqual(production);
  });

  test('the cross-field checks see the default, and name the config field', () => {
    let error: unknown;
    try {
      resolveEnvironment('production', { orchestrator: { maxReplicas: 2 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('orchestrator.maxReplicas = 2: use at least orchestrator.minReplicas (3)');
  });
});
