// The pods a workload object runs, read from every workload kind, and what runs none.
import { containersOf, ManifestObject, podAnnotationsOf, podLabelsOf, podSpecOf } from '../../../lib/manifest';
import { manifestObject as object } from '../../support/manifest-object';

describe('pod templates', () => {
  const pod = { containers: [{ name: 'c' }] };
  const labels = { app: 'a' };

  test.each([
    ['Pod', { spec: pod, metadata: { name: 'p', labels } }],
    ['Deployment', { spec: { template: { metadata: { labels }, spec: pod } } }],
    ['Job', { spec: { template: { metadata: { labels }, spec: pod } } }],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { metadata: { labels }, spec: pod } } } } }],
  ])('a %s: its pod spec and pod labels', (kind, fields) => {
    const o = { apiVersion: 'v1', kind, metadata: { name: 'p' }, ...fields } as ManifestObject;
    expect(podSpecOf(o)).toBe(pod);
    expect(podLabelsOf(o)).toBe(labels);
  });

  test.each([
    ['a CronJob without a jobTemplate', 'CronJob', {}],
    ['a CronJob without a job spec', 'CronJob', { jobTemplate: {} }],
    ['a CronJob without a pod template', 'CronJob', { jobTemplate: { spec: {} } }],
    ['a CronJob without pod metadata', 'CronJob', { jobTemplate: { spec: { template: {} } } }],
    ['a Deployment without a pod template', 'Deployment', {}],
    ['a Deployment without pod metadata', 'Deployment', { template: {} }],
  ])('%s has no pod spec or pod labels', (_case, kind, spec) => {
    const o = object('apps/v1', kind, 'w', 'n', { spec });
    expect([podSpecOf(o), podLabelsOf(o)]).toEqual([undefined, undefined]);
  });

  test('an object without a spec has no pod spec; a CronJob is not read as a Deployment, nor the reverse', () => {
    expect(podSpecOf(object('v1', 'Pod', 'p', 'n'))).toBeUndefined();
    expect(podSpecOf(object('batch/v1', 'CronJob', 'c', 'n', { spec: { template: { spec: pod } } }))).toBeUndefined();
    expect(podSpecOf(object('apps/v1', 'Deployment', 'd', 'n', { spec: { jobTemplate: { spec: { template: { spec: pod } } } } }))).toBeUndefined();
    expect(podLabelsOf(object('v1', 'ConfigMap', 'c', 'n'))).toBeUndefined();
    expect(podLabelsOf(object('batch/v1', 'CronJob', 'c', 'n'))).toBeUndefined();
  });

  test('containersOf lists init, regular and ephemeral containers, in that order', () => {
    expect(containersOf({ ephemeralContainers: [{ name: 'e' }], containers: [{ name: 'c' }], initContainers: [{ name: 'i' }] }).map((c) => c.name)).toEqual(['i', 'c', 'e']);
    expect(containersOf({})).toEqual([]);
  });
});


test('podAnnotationsOf reads the pod template\'s annotations (a Pod\'s own), none for objects without pods', () => {
  const annotations = { a: 'b' };
  expect(podAnnotationsOf(object('v1', 'Pod', 'p', 'n', { spec: {}, metadata: { name: 'p', annotations } }))).toBe(annotations);
  expect(podAnnotationsOf(object('apps/v1', 'Deployment', 'd', 'n', { spec: { template: { metadata: { annotations } } } }))).toBe(annotations);
  expect(podAnnotationsOf(object('batch/v1', 'CronJob', 'c', 'n', { spec: { jobTemplate: { spec: { template: { metadata: { annotations } } } } } }))).toBe(annotations);
  expect(podAnnotationsOf(object('v1', 'ConfigMap', 'c', 'n'))).toBeUndefined();
});
