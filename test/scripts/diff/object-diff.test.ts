import { deepEqual, diffObjects, keySegment } from '../../../scripts/diff/object-diff';

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

  test('falls back to positions when an item lacks an identity field', () => {
    expect(diffObjects({ rules: [{ verbs: ['get'] }] }, { rules: [{ verbs: ['get', 'list'] }, { verbs: ['watch'] }] })).toEqual([
      { path: 'rules[0].verbs[1]', op: 'added', after: 'list' },
      { path: 'rules[1]', op: 'added', after: { verbs: ['watch'] } },
    ]);
    // One item without name/alert/record puts the whole list back on positions.
    expect(diffObjects({ l: [{ alert: 'A', v: 1 }, { v: 2 }] }, { l: [{ v: 2 }, { alert: 'A', v: 1 }] }).map((c) => c.path)).toEqual([
      'l[0].alert',
      'l[0].v',
      'l[1].alert',
      'l[1].v',
    ]);
  });

  test('repeated names are told apart by occurrence: X, X#2, X#3', () => {
    expect(diffObjects({ l: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] }, { l: [{ name: 'a', v: 2 }, { name: 'a', v: 1 }] })).toEqual([
      { path: 'l[a].v', op: 'changed', before: 1, after: 2 },
      { path: 'l[a#2].v', op: 'changed', before: 2, after: 1 },
    ]);
    expect(diffObjects({ l: [{ name: 'a b' }] }, { l: [{ name: 'a b' }, { name: 'a b', v: 1 }] })).toEqual([
      { path: 'l["a b"#2]', op: 'added', after: { name: 'a b', v: 1 } },
    ]);
  });

  describe('PrometheusRule rules are keyed by alert / record', () => {
    const fastBurn = (window: string) => ({ alert: 'ErrorBudgetFastBurn', expr: `burn_${window} > 14.4`, labels: { priority: 'P1' } });
    const rules = [
      { record: 'agentaskit:errors:ratio_rate5m', expr: 'sum(rate(errors[5m]))' },
      { alert: 'OrchestratorDown', expr: 'up == 0', for: '1m' },
      fastBurn('1h'),
      fastBurn('5m'),
      { alert: 'QueueBacklog', expr: 'queue > 100', for: '5m' },
    ];
    const rule = (groups: unknown[]) => ({ spec: { groups } });

    test('inserting an alert in the middle is one added rule, no change to the others', () => {
      const inserted = { alert: 'WorkerCrashLoop', expr: 'restarts > 3', for: '10m' };
      const after = [...rules.slice(0, 2), inserted, ...rules.slice(2)];
      expect(diffObjects(rule([{ name: 'orchestrator', rules }]), rule([{ name: 'orchestrator', rules: after }]))).toEqual([
        { path: 'spec.groups[orchestrator].rules[WorkerCrashLoop]', op: 'added', after: inserted },
      ]);
    });

    test('reordering rules or groups is not a change', () => {
      const reordered = [rules[4], rules[2], rules[0], rules[3], rules[1]];
      expect(
        diffObjects(rule([{ name: 'a', rules }, { name: 'b', rules: [] }]), rule([{ name: 'b', rules: [] }, { name: 'a', rules: reordered }])),
      ).toEqual([]);
    });

    test('rules sharing an alert name are addressed by occurrence', () => {
      const after = rules.map((r, i) => (i === 3 ? { ...r, expr: 'burn_5m > 6' } : r));
      expect(diffObjects(rule([{ name: 'g', rules }]), rule([{ name: 'g', rules: after }]))).toEqual([
        { path: 'spec.groups[g].rules[ErrorBudgetFastBurn#2].expr', op: 'changed', before: 'burn_5m > 14.4', after: 'burn_5m > 6' },
      ]);
      expect(diffObjects(rule([{ name: 'g', rules }]), rule([{ name: 'g', rules: rules.slice(0, 3).concat(rules.slice(4)) }]))).toEqual([
        { path: 'spec.groups[g].rules[ErrorBudgetFastBurn#2]', op: 'removed', before: fastBurn('5m') },
      ]);
    });
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

describe('boundaries', () => {
  test('deepEqual tells lists of different lengths, objects with extra keys and lists from objects apart', () => {
    expect(deepEqual([1], [1, 2])).toBe(false);
    expect(deepEqual([1, 2], [1])).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual({ 0: 1 }, [1])).toBe(false);
    expect(deepEqual([{ a: [1] }], [{ a: [1] }])).toBe(true);
    expect(deepEqual({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(deepEqual(1, '1')).toBe(false);
    expect(deepEqual([], { length: 0 })).toBe(false);
    expect(deepEqual({ length: 0 }, [])).toBe(false);
  });

  test.each([
    ['a', 'a'],
    ['_a', '_a'],
    ['$a', '$a'],
    ['a-b', 'a-b'],
    ['A9_$-', 'A9_$-'],
    ['1a', '["1a"]'],
    ['-a', '["-a"]'],
    ['a.b', '["a.b"]'],
    ['a b', '["a b"]'],
    ['a/b', '["a/b"]'],
    ['', '[""]'],
  ])('the key %j is written %s at the root', (key, segment) => {
    expect(keySegment('', key)).toBe(segment);
  });

  test('below the root a simple key follows a dot, any other is bracketed', () => {
    expect([keySegment('spec', 'replicas'), keySegment('metadata.labels', 'app.kubernetes.io/name')]).toEqual(['spec.replicas', 'metadata.labels["app.kubernetes.io/name"]']);
  });

  test.each([
    ['worker', '[worker]'],
    ['ghcr.io/a:1.0_x-y', '[ghcr.io/a:1.0_x-y]'],
    ['a b', '["a b"]'],
    [' a', '[" a"]'],
    ['a ', '["a "]'],
    ['a]', '["a]"]'],
    ['', '[""]'],
  ])('a list item named %j is addressed as %s', (name, shown) => {
    expect(diffObjects({ l: [{ name, v: 1 }] }, { l: [{ name, v: 2 }] })).toEqual([{ path: `l${shown}.v`, op: 'changed', before: 1, after: 2 }]);
  });

  test('identity is name, else alert, else record; a name that is not a string does not count', () => {
    const list = (items: object[]) => ({ l: items });
    expect(diffObjects(list([{ name: 'n', alert: 'a', v: 1 }]), list([{ name: 'n', alert: 'a', v: 2 }]))[0]!.path).toBe('l[n].v');
    expect(diffObjects(list([{ alert: 'a', record: 'r', v: 1 }]), list([{ alert: 'a', record: 'r', v: 2 }]))[0]!.path).toBe('l[a].v');
    expect(diffObjects(list([{ record: 'r', v: 1 }]), list([{ record: 'r', v: 2 }]))[0]!.path).toBe('l[r].v');
    expect(diffObjects(list([{ name: 1, alert: 'a', v: 1 }]), list([{ name: 1, alert: 'a', v: 2 }]))[0]!.path).toBe('l[a].v');
    expect(diffObjects(list([{ name: 1, v: 1 }]), list([{ name: 1, v: 2 }]))[0]!.path).toBe('l[0].v');
    expect(diffObjects({ l: ['x', 'y'] }, { l: ['x', 'z'] })).toEqual([{ path: 'l[1]', op: 'changed', before: 'y', after: 'z' }]);
  });

  test('a list matched by name on one side only, or holding non-objects, is compared by position', () => {
    expect(diffObjects({ l: [{ name: 'a', v: 1 }] }, { l: [{ v: 1 }] })).toEqual([{ path: 'l[0].name', op: 'removed', before: 'a' }]);
    expect(diffObjects({ l: [{ v: 1 }] }, { l: [{ name: 'a', v: 1 }] })).toEqual([{ path: 'l[0].name', op: 'added', after: 'a' }]);
    expect(diffObjects({ l: [null, 'x'] }, { l: [{ name: 'a' }, 'x'] })).toEqual([{ path: 'l[0]', op: 'changed', before: null, after: { name: 'a' } }]);
  });

  test('occurrences sort as numbers: the 2nd comes before the 10th', () => {
    const items = (changed: number[]) => Array.from({ length: 10 }, (_, i) => ({ name: 'x', v: changed.includes(i + 1) ? 'new' : 'old' }));
    expect(diffObjects({ l: items([]) }, { l: items([2, 10]) }).map((c) => c.path)).toEqual(['l[x#2].v', 'l[x#10].v']);
  });

  test('a list keeps its positions when it grows or shrinks at the end', () => {
    expect(diffObjects({ l: [1, 2, 3] }, { l: [1] })).toEqual([
      { path: 'l[1]', op: 'removed', before: 2 },
      { path: 'l[2]', op: 'removed', before: 3 },
    ]);
    expect(diffObjects({ l: [1] }, { l: [1, 2] })).toEqual([{ path: 'l[1]', op: 'added', after: 2 }]);
  });

  test('a named list emptied is every item removed; a key present with no value is still a key', () => {
    expect(diffObjects({ env: [{ name: 'A' }, { name: 'B' }] }, { env: [] })).toEqual([
      { path: 'env[A]', op: 'removed', before: { name: 'A' } },
      { path: 'env[B]', op: 'removed', before: { name: 'B' } },
    ]);
    expect(diffObjects({ a: undefined }, {})).toEqual([{ path: 'a', op: 'removed', before: undefined }]);
    expect(diffObjects({}, { a: undefined })).toEqual([{ path: 'a', op: 'added', after: undefined }]);
  });

  test('a list replaced by an object, or the reverse, is one change at that path', () => {
    expect(diffObjects({ v: [1] }, { v: { 0: 1 } })).toEqual([{ path: 'v', op: 'changed', before: [1], after: { 0: 1 } }]);
    expect(diffObjects({ v: { 0: 1 } }, { v: [1] })).toEqual([{ path: 'v', op: 'changed', before: { 0: 1 }, after: [1] }]);
  });
});
