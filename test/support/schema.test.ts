import { schemaProblems, unknownFields } from './schema';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'orchestrator' },
  spec: {
    selector: { matchLabels: { app: 'orchestrator' } },
    template: { metadata: { labels: { app: 'orchestrator' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
  },
};

describe('schemaProblems', () => {
  test('accepts a valid Deployment', () => {
    expect(schemaProblems(deployment)).toEqual([]);
  });

  test('rejects an unknown field that kubernetes-models lets through (spec.replica)', () => {
    const typo = { ...deployment, spec: { ...deployment.spec, replica: 3 } };
    expect(schemaProblems(typo)).toEqual(['unknown field spec.replica']);
  });

  test('finds unknown fields deep in lists (containers[0].imagePullPolicies)', () => {
    const typo = {
      ...deployment,
      spec: { ...deployment.spec, template: { spec: { containers: [{ name: 'c', image: 'x:1', imagePullPolicies: 'Always' }] } } },
    };
    expect(unknownFields(typo)).toEqual(['spec.template.spec.containers[0].imagePullPolicies']);
  });

  test('rejects a wrong type through kubernetes-models', () => {
    const wrong = { ...deployment, spec: { ...deployment.spec, replicas: '3' } };
    expect(schemaProblems(wrong).join()).toMatch(/replicas must be integer/);
  });

  test('rejects kinds it has no schema for', () => {
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'unknown field <root>: no schema for example.com/v1/Widget',
      'no kubernetes-models class for example.com/v1/Widget',
    ]);
  });

  test('checks CRD objects against their CRD schema (Flagger Canary)', () => {
    const canary = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'c' }, spec: { targetRef: { kind: 'Deployment', name: 'x' }, anaylsis: {} } };
    expect(unknownFields(canary)).toEqual(['spec.anaylsis']);
  });
});
