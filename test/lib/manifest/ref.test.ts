// Naming synthesized objects: the one key format, the diff's API-version-qualified key, the
// order reports list objects in, and how messages name them.
import { compareRefs, formatRef, keyOf, refOf, versionedKeyOf, versionedRefOf } from '../../../lib/manifest';
import { manifestObject as object } from '../../support/manifest-object';

describe('identity', () => {
  test('keyOf is Kind/namespace/name, with an empty namespace when cluster-scoped', () => {
    expect(keyOf({ kind: 'Secret', name: 's', namespace: 'n' })).toBe('Secret/n/s');
    expect(keyOf({ kind: 'PriorityClass', name: 'p' })).toBe('PriorityClass//p');
  });

  test('refOf carries a namespace only when the object has one', () => {
    expect(refOf(object('v1', 'Secret', 's', 'n'))).toStrictEqual({ kind: 'Secret', name: 's', namespace: 'n' });
    expect(refOf(object('v1', 'Namespace', 'n', undefined))).toStrictEqual({ kind: 'Namespace', name: 'n' });
  });

  test('an empty namespace is none', () => {
    expect(refOf(object('v1', 'Namespace', 'n', ''))).toStrictEqual({ kind: 'Namespace', name: 'n' });
  });

  test('versionedRefOf puts the apiVersion first, then kind, namespace and name (the JSON report lists refs so)', () => {
    expect(Object.keys(versionedRefOf(object('apps/v1', 'Deployment', 'd', 'n')))).toEqual(['apiVersion', 'kind', 'namespace', 'name']);
    expect(Object.keys(versionedRefOf(object('v1', 'Namespace', 'n', undefined)))).toEqual(['apiVersion', 'kind', 'name']);
  });

  test('versionedKeyOf tells API versions of one object apart, and never runs two fields together', () => {
    const key = (kind: string, namespace: string | undefined, name: string, apiVersion = 'v1') => versionedKeyOf({ apiVersion, kind, namespace, name });
    expect(key('HorizontalPodAutoscaler', 'n', 'h', 'autoscaling/v1')).not.toBe(key('HorizontalPodAutoscaler', 'n', 'h', 'autoscaling/v2'));
    expect(key('a', 'bc', 'x')).not.toBe(key('ab', 'c', 'x'));
    expect(key('K', undefined, 'n')).toBe(key('K', '', 'n'));
    expect(key('Deployment', 'n', 'd', 'apps/v1')).toBe('Deployment/n/d@apps/v1');
  });
});

describe('order', () => {
  const ref = (kind: string, namespace: string | undefined, name: string, apiVersion = 'v1') => ({ apiVersion, kind, namespace, name });

  test('by kind, namespace, name, then apiVersion', () => {
    const sorted = [ref('B', 'a', 'a'), ref('A', 'z', 'z'), ref('A', 'a', 'b'), ref('A', 'a', 'a', 'v2'), ref('A', 'a', 'a', 'v1')].sort(compareRefs);
    expect(sorted).toEqual([ref('A', 'a', 'a', 'v1'), ref('A', 'a', 'a', 'v2'), ref('A', 'a', 'b'), ref('A', 'z', 'z'), ref('B', 'a', 'a')]);
  });

  test('field by field: a name that is a prefix of another comes first, whatever follows it', () => {
    expect([ref('S', 'n', 'api-canary'), ref('S', 'n', 'api')].sort(compareRefs).map((r) => r.name)).toEqual(['api', 'api-canary']);
    expect([ref('K', 'ns', 'a'), ref('K', undefined, 'z')].sort(compareRefs).map((r) => r.namespace)).toEqual([undefined, 'ns']);
  });

  test('by UTF-16 code units, not the locale: upper case before lower case', () => {
    expect([ref('a', 'n', 'x'), ref('B', 'n', 'x')].sort(compareRefs).map((r) => r.kind)).toEqual(['B', 'a']);
  });
});

test('formatRef names a namespaced object with its namespace, a cluster-scoped one without', () => {
  expect(formatRef({ kind: 'Deployment', namespace: 'agentaskit', name: 'agent-worker' })).toBe('Deployment agentaskit/agent-worker');
  expect(formatRef({ kind: 'PriorityClass', name: 'p' })).toBe('PriorityClass p');
});
