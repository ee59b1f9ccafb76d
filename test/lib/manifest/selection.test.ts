// How objects of a set find each other: label selectors and an HPA's scale target.
import { autoscalersByTarget, keyOf, ManifestObject, selectorMatches } from '../../../lib/manifest';

test('a selector matches labels that carry every one of its labels; an empty or absent one matches nothing', () => {
  expect(selectorMatches({ app: 'a' }, { app: 'a', tier: 't' })).toBe(true);
  expect(selectorMatches({ app: 'a', tier: 't' }, { app: 'a' })).toBe(false);
  expect(selectorMatches({ app: 'a' }, { app: 'b' })).toBe(false);
  expect(selectorMatches({ app: 'a' }, undefined)).toBe(false);
  expect(selectorMatches({}, { app: 'a' })).toBe(false);
  expect(selectorMatches(undefined, { app: 'a' })).toBe(false);
});

describe('autoscalersByTarget', () => {
  const hpa = (name: string, namespace: string | undefined, spec: unknown): ManifestObject => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: namespace === undefined ? { name } : { name, namespace },
    spec,
  });

  test('keys each HPA by its target in the HPA\'s own namespace', () => {
    const a = hpa('a', 'n', { scaleTargetRef: { kind: 'Deployment', name: 'web' } });
    const b = hpa('b', undefined, { scaleTargetRef: { kind: 'StatefulSet', name: 'db' } });
    const byTarget = autoscalersByTarget([a, b, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'n' } }]);
    expect([...byTarget]).toEqual([[keyOf({ kind: 'Deployment', namespace: 'n', name: 'web' }), a], [keyOf({ kind: 'StatefulSet', name: 'db' }), b]]);
  });

  test('an HPA without a target kind and name scales nothing', () => {
    expect(autoscalersByTarget([hpa('a', 'n', undefined), hpa('b', 'n', { scaleTargetRef: { name: 'web' } })]).size).toBe(0);
  });
});
