/**
 * Names the workloads take from lib/runbook.ts really come from there: with the constants
 * replaced, the objects and the Pulumi project follow. A name typed again as a literal would keep
 * its old value and fail here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { PROJECT_NAME } from '../../../lib/runbook';

const RUNBOOK = '../../../lib/runbook';

/** Loads the given modules afresh with NAMESPACE_PREFIX and PROJECT_NAME replaced. */
function withRenamedProject<T>(load: () => T): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    jest.doMock(RUNBOOK, () => ({ ...jest.requireActual(RUNBOOK), NAMESPACE_PREFIX: 'acme', PROJECT_NAME: 'acme-deploy' }));
    loaded = load();
  });
  jest.dontMock(RUNBOOK);
  return loaded!;
}

test('the PriorityClass of a pool outside a namespaced chart is named after NAMESPACE_PREFIX', () => {
  const names = withRenamedProject(() => {
    const { Chart, Testing } = require('cdk8s') as typeof import('cdk8s');
    const { AgentWorkerPool } = require('../../../lib/workloads/agent-worker-pool') as typeof import('../../../lib/workloads/agent-worker-pool');
    const chart = new Chart(Testing.app(), 'unnamespaced');
    new AgentWorkerPool(chart, 'P', { image: 'ghcr.io/agentaskit/agent-worker:1.0.0', poolSize: 4 });
    return Testing.synth(chart).filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name);
  });
  expect(names).toEqual(['acme-agent-worker']);
});

test('app.kubernetes.io/managed-by and the Pulumi project are PROJECT_NAME', () => {
  const { managedBy, project } = withRenamedProject(() => ({
    managedBy: (require('../../../lib/workloads/labels') as typeof import('../../../lib/workloads/labels')).componentLabels('x', 'y')['app.kubernetes.io/managed-by'],
    project: (require('../../../pulumi/stack-config') as typeof import('../../../pulumi/stack-config')).PROJECT,
  }));
  expect({ managedBy, project }).toEqual({ managedBy: 'acme-deploy', project: 'acme-deploy' });
});

test('PROJECT_NAME is the name in Pulumi.yaml', () => {
  const project = YAML.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'Pulumi.yaml'), 'utf8'));
  expect(project.name).toBe(PROJECT_NAME);
});
