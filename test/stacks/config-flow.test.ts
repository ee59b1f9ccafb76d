/**
 * WorkflowChart passes the component and canary sections of the config to their constructs as
 * they are (their fields are the props' names). That holds only while every field is a prop: a
 * field the construct does not know would be dropped without a word. So every field of those
 * sections, set to another valid value, must change the manifest; and the table below must name
 * every field of the schema's sections, so a new field is tested too.
 */
import { EnvironmentName, SCHEMA, resolveEnvironment } from '../../stacks/config';
import { ENVIRONMENT_OVERRIDES } from '../../stacks/environments';
import { synthesizeEnvironment } from '../../stacks/synth';

const SECTIONS = ['orchestrator', 'agentManager', 'agentWorker', 'canary'] as const;

// [environment, section, field, another valid value]. Production's pool size is the runbook's and
// its canary shifts traffic (iterations are blue/green's), so those two are changed elsewhere.
const CHANGES: ReadonlyArray<readonly [EnvironmentName, (typeof SECTIONS)[number], string, unknown]> = [
  ['production', 'orchestrator', 'minReplicas', 4],
  ['production', 'orchestrator', 'maxReplicas', 11],
  ['production', 'orchestrator', 'cpuMillis', 600],
  ['production', 'orchestrator', 'memoryMebibytes', 640],
  ['production', 'agentManager', 'replicas', 3],
  ['production', 'agentManager', 'cpuMillis', 300],
  ['production', 'agentManager', 'memoryMebibytes', 320],
  ['staging', 'agentWorker', 'poolSize', 97],
  ['production', 'agentWorker', 'maxReplicas', 1101],
  ['production', 'agentWorker', 'cpuMillis', 300],
  ['production', 'agentWorker', 'memoryMebibytes', 640],
  ['production', 'agentWorker', 'maxTaskSeconds', 601],
  ['production', 'agentWorker', 'maxSurgePercent', 26],
  ['production', 'agentWorker', 'maxUnavailablePercent', 11],
  ['production', 'agentWorker', 'podStartSeconds', 59],
  ['dev', 'canary', 'provider', 'nginx'],
  ['production', 'canary', 'intervalSeconds', 29],
  ['production', 'canary', 'threshold', 3],
  ['production', 'canary', 'metricWindowSeconds', 121],
  ['production', 'canary', 'progressDeadlineSeconds', 170],
  ['production', 'canary', 'maxWeight', 40],
  ['production', 'canary', 'stepWeight', 20],
  ['dev', 'canary', 'iterations', 6],
  ['production', 'canary', 'loadTester', { namespace: 'flagger', serviceName: 'loadtester', podLabels: { app: 'loadtester' } }],
];

const manifests = new Map<EnvironmentName, string>();
const manifestOf = (environment: EnvironmentName, override: unknown = {}) =>
  JSON.stringify(synthesizeEnvironment(resolveEnvironment(environment, ENVIRONMENT_OVERRIDES[environment], override)).objects);

test('the table names every field of the sections WorkflowChart passes as they are', () => {
  const fields = SECTIONS.flatMap((section) => Object.keys(SCHEMA.fields[section].fields).map((field) => `${section}.${field}`));
  expect(CHANGES.map(([, section, field]) => `${section}.${field}`).sort()).toEqual(fields.sort());
});

test.each(CHANGES)('%s: %s.%s reaches the manifest', (environment, section, field, value) => {
  if (!manifests.has(environment)) manifests.set(environment, manifestOf(environment));
  // A boolean, not the two manifests: a failure would print both in full.
  expect(manifestOf(environment, { [section]: { [field]: value } }) !== manifests.get(environment)).toBe(true);
});
