// The object shape: what parsed YAML must hold to be identified, JSON objects, API versions.
import { groupOf, isManifestObject, isPlainObject, splitApiVersion } from '../../../lib/manifest';

test.each([
  ['apps/v1', 'apps', 'v1'],
  ['v1', '', 'v1'],
  ['rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io', 'v1'],
  ['flagger.app/v1beta1', 'flagger.app', 'v1beta1'],
])('%s is group "%s", version %s', (apiVersion, group, version) => {
  expect(splitApiVersion(apiVersion)).toEqual({ group, version });
  expect(groupOf({ apiVersion })).toBe(group);
});

test.each([
  [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, true],
  [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, false],
  [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: null }, false],
  [{ apiVersion: 'v1', metadata: { name: 'c' } }, false],
  [{ kind: 'ConfigMap', metadata: { name: 'c' } }, false],
  [null, false],
  ['text', false],
])('isManifestObject(%p) is %p', (value, expected) => {
  expect(isManifestObject(value)).toBe(expected);
});

test.each([
  [{}, true],
  [{ a: 1 }, true],
  [[], false],
  [null, false],
  ['a', false],
  [1, false],
  [undefined, false],
])('isPlainObject(%p) is %p', (value, expected) => {
  expect(isPlainObject(value)).toBe(expected);
});
