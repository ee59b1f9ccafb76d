import { deepEqual, diffObjects } from '../../../scripts/diff/object-diff';

describe('diffObjects', () => {
  test('equal values give no changes', () => {
    expect(diffObjects({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  test('reports added, removed and changed leaves in sorted key order', () => {
    expect(diffObjects({ z: 1, b: { keep: true, old: 'x' } }, { z: 2, b: { keep: true, new: 'y' }, a: [] })).toEqual([
      { path: 'a', op: 'added', after: [] },
      { path: 'b.new', op: 'added', after: 'y' },
      { path: 'b.old', op: 'removed', before: 'x' },
      { path: 'z', op: 'changed', before: 1, after: 2 },
    ]);
  });

  test('matches lists of named items by name, so reordering is not a change', () => {
    const before = { containers: [{ name: 'worker', image: 'w:1' }, { name: 'sidecar', image: 's:1' }] };
    const after = { containers: [{ name: 'sidecar', image: 's:1' }, { name: 'worker', image: 'w:2' }, { name: 'init', image: 'i:1' }] };
    expect(diffObjects(before, after)).toEqual([
      { path: 'containers[init]', op: 'added', after: { name: 'init', image: 'i:1' } },
      { path: 'containers[worker].image', op: 'changed', before: 'w:1', after: 'w:2' },
    ]);
  });

  test('an empty list adopts name matching from the other side', () => {
    expect(diffObjects({ env: [] }, { env: [{ name: 'A', value: '1' }] })).toEqual([
      { path: 'env[A]', op: 'added', after: { name: 'A', value: '1' } },
    ]);
  });

  test('falls back to positions when an item lacks a name or names repeat', () => {
    expect(diffObjects({ rules: [{ verbs: ['get'] }] }, { rules: [{ verbs: ['get', 'list'] }, { verbs: ['watch'] }] })).toEqual([
      { path: 'rules[0].verbs[1]', op: 'added', after: 'list' },
      { path: 'rules[1]', op: 'added', after: { verbs: ['watch'] } },
    ]);
    expect(diffObjects({ l: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] }, { l: [{ name: 'a', v: 2 }, { name: 'a', v: 1 }] })).toEqual([
      { path: 'l[0].v', op: 'changed', before: 1, after: 2 },
      { path: 'l[1].v', op: 'changed', before: 2, after: 1 },
    ]);
  });

  test('quotes keys and names that would be ambiguous in a dotted path', () => {
    expect(
      diffObjects(
        { metadata: { labels: { 'app.kubernetes.io/version': '1' } }, ports: [{ name: 'a b', port: 1 }] },
        { metadata: { labels: { 'app.kubernetes.io/version': '2' } }, ports: [{ name: 'a b', port: 2 }] },
      ).map((c) => c.path),
    ).toEqual(['metadata.labels["app.kubernetes.io/version"]', 'ports["a b"].port']);
  });

  test('a type change (scalar to object) is a single change at that path', () => {
    expect(diffObjects({ v: 'x' }, { v: { y: 1 } })).toEqual([{ path: 'v', op: 'changed', before: 'x', after: { y: 1 } }]);
  });
});

describe('deepEqual', () => {
  test('ignores key order but not list order', () => {
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});
