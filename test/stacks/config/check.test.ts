// Each rule of the config schema at its boundaries: the values just inside and just outside
// every bound, both ends, the anchors of every pattern and each part of a compound check.
import { Accepted, check, optional, Rule, unknownKeys } from '../../../stacks/config/check';

/** The fix `check` gives for `value`, or undefined when the value is accepted. */
function fixFor(rule: Rule, value: unknown): string | undefined {
  const problems = check(rule, value, 'f');
  if (problems.length === 0) return undefined;
  expect(problems).toEqual([{ path: 'f', value, fix: problems[0]!.fix }]);
  return problems[0]!.fix;
}

describe('integer', () => {
  const bounded: Rule = { kind: 'integer', min: 1, max: 10 };
  const fix = 'use a whole number from 1 to 10';

  test.each([1, 2, 9, 10])('accepts %p (from 1 to 10)', (value) => {
    expect(fixFor(bounded, value)).toBeUndefined();
  });

  test.each([0, 11, -1, 1.5, 9.999, NaN, Infinity, '5', undefined, null])('fails on %p', (value) => {
    expect(fixFor(bounded, value)).toBe(fix);
  });

  test('without a max: any whole number from the min up, and the fix says "at least"', () => {
    const unbounded: Rule = { kind: 'integer', min: 0 };
    expect(fixFor(unbounded, 0)).toBeUndefined();
    expect(fixFor(unbounded, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(fixFor(unbounded, -1)).toBe('use a whole number of at least 0');
  });

  test('the reason for the bounds follows the fix', () => {
    expect(fixFor({ kind: 'integer', min: 1, max: 2, why: 'one cluster' }, 3)).toBe('use a whole number from 1 to 2: one cluster');
  });
});

describe('number', () => {
  const rule: Rule = { kind: 'number', above: 0, max: 5, unit: '%' };
  const fix = 'use a number above 0 and at most 5 %';

  test.each([0.001, 1, 4.999, 5])('accepts %p (above 0, at most 5)', (value) => {
    expect(fixFor(rule, value)).toBeUndefined();
  });

  test.each([0, -0.001, 5.001, NaN, '1', undefined])('fails on %p', (value) => {
    expect(fixFor(rule, value)).toBe(fix);
  });
});

describe('string', () => {
  const rule: Rule = { kind: 'string', pattern: /^[a-z]+$/, example: 'abc' };

  test('accepts a value matching the pattern', () => {
    expect(fixFor(rule, 'abc')).toBeUndefined();
  });

  test.each(['ab1', 42, undefined])('fails on %p, showing the example', (value) => {
    expect(fixFor(rule, value)).toBe('use a value like "abc"');
  });
});

describe('image', () => {
  const rule: Rule = { kind: 'image', example: 'ghcr.io/agentaskit/orchestrator:1.4.2' };

  test('accepts a pinned reference', () => {
    expect(fixFor(rule, 'ghcr.io/agentaskit/orchestrator:1.4.3')).toBeUndefined();
  });

  test('fails on a moving tag, suggesting the same repository pinned', () => {
    expect(fixFor(rule, 'ghcr.io/team/app:latest')).toBe('the image uses the moving tag "latest"; pin it by tag or digest, e.g. "ghcr.io/team/app:1.4.2"');
  });

  test('fails on a value that is not a string', () => {
    expect(fixFor(rule, 7)).toBe('use an image reference pinned by tag or digest, e.g. "ghcr.io/agentaskit/orchestrator:1.4.2"');
  });
});

describe('enum', () => {
  const rule: Rule = { kind: 'enum', values: ['ship', 'linked'] };

  test.each(['ship', 'linked'])('accepts %p', (value) => {
    expect(fixFor(rule, value)).toBeUndefined();
  });

  test.each(['Ship', 'shipped', '', 1])('fails on %p, listing the values', (value) => {
    expect(fixFor(rule, value)).toBe('use one of "ship", "linked"');
  });
});

describe('labels', () => {
  const rule: Rule = { kind: 'labels' };
  const KEY_FIX =
    'use a valid Kubernetes label key: a name of at most 63 alphanumerics, "-", "_" and ".", starting and ending alphanumeric, ' +
    'optionally after a prefix and "/" (a DNS subdomain of at most 253 characters, e.g. "app.kubernetes.io/name")';
  const VALUE_FIX = 'use a valid Kubernetes label value: a string of at most 63 alphanumerics, "-", "_" and ".", starting and ending alphanumeric (or empty)';
  const labelProblems = (labels: Record<string, unknown>) => check(rule, labels, 'm.labels');
  /** A DNS subdomain of exactly `n` characters: labels of 63 joined by dots. */
  const subdomain = (n: number) => Array.from({ length: Math.ceil(n / 64) }, () => 'a'.repeat(63)).join('.').slice(0, n - 1) + 'b';

  test.each([
    'a',
    'Z',
    '9',
    'app',
    'App_Name-1.x',
    'a'.repeat(63),
    'release',
    'app.kubernetes.io/name',
    'a/b',
    'a.b/name',
    'x.y.z/name',
    'x-1.y-2/Name',
    `${subdomain(253)}/a`,
    `a/${'b'.repeat(63)}`,
  ])('accepts the key %s', (key) => {
    expect(labelProblems({ [key]: 'v' })).toEqual([]);
  });

  test('the long prefixes below are DNS subdomains of 253 and 254 characters', () => {
    expect([subdomain(253).length, subdomain(254).length]).toEqual([253, 254]);
    expect(subdomain(254)).toMatch(/^([a-z]{1,63}\.)+[a-z]{1,63}$/);
  });

  test.each([
    ['empty', ''],
    ['a name of 64 characters', 'a'.repeat(64)],
    ['a name after a prefix of 64 characters', `a/${'b'.repeat(64)}`],
    ['a prefix of 254 characters', `${subdomain(254)}/a`],
    ['a name starting with "-"', '-abc'],
    ['a name ending with "-"', 'abc-'],
    ['a name starting with "."', '.abc'],
    ['a name ending with "_"', 'abc_'],
    ['a space', 'a b'],
    ['a name with "/" (two slashes)', 'a/b/c'],
    ['an empty prefix', '/name'],
    ['an empty name', 'prefix/'],
    ['an upper-case prefix', 'Example.com/name'],
    ['a prefix with "_"', 'a_b/name'],
    ['a prefix starting with "-"', '-a/name'],
    ['a prefix ending with "."', 'a./name'],
    ['a prefix with an empty part', 'a..b/name'],
    ['a prefix part ending with "-"', 'a-.b/name'],
    ['a prefix part starting with "-"', 'a.-b/name'],
    ['a prefix starting with "!"', '!a/name'],
    ['a prefix ending with "!"', 'a!/name'],
  ])('fails on a key with %s', (_case, key) => {
    expect(labelProblems({ [key]: 'v' })).toEqual([{ path: `m.labels.${key}`, value: 'v', fix: KEY_FIX }]);
  });

  test.each(['', 'v', 'V', '1', 'kube-prometheus-stack', 'a_b.c-d', 'a'.repeat(63)])('accepts the value %p', (value) => {
    expect(labelProblems({ app: value })).toEqual([]);
  });

  test.each([
    ['64 characters', 'a'.repeat(64)],
    ['a leading "-"', '-abc'],
    ['a trailing "-"', 'abc-'],
    ['a leading "."', '.abc'],
    ['a trailing "_"', 'abc_'],
    ['a space', 'kube prometheus'],
    ['a "/"', 'a/b'],
    ['a number, not a string', 7],
    ['no value', undefined],
  ])('fails on a value with %s', (_case, value) => {
    expect(labelProblems({ app: value })).toEqual([{ path: 'm.labels.app', value, fix: VALUE_FIX }]);
  });

  test('a bad key fails even with a good value, and a bad value with a good key; each label on its own', () => {
    expect(labelProblems({ '-bad': 'good', good: '-bad', fine: 'ok' })).toEqual([
      { path: 'm.labels.-bad', value: 'good', fix: KEY_FIX },
      { path: 'm.labels.good', value: '-bad', fix: VALUE_FIX },
    ]);
  });

  test.each([[null], [[]], ['app=x'], [undefined]])('fails when the labels are %p, not a map', (value) => {
    expect(fixFor(rule, value)).toBe('use a map of label keys to values');
  });
});

describe('cidrs', () => {
  const required: Rule = { kind: 'cidrs', allowEmpty: false };
  const optional: Rule = { kind: 'cidrs', allowEmpty: true };
  const ENTRY_FIX = 'use an IPv4 CIDR like "10.0.0.1/32"';

  test.each(['10.0.0.1/32', '0.0.0.0/0', '255.255.255.255/32', '1.2.3.4/9', '203.0.113.10/24'])('accepts %s', (cidr) => {
    expect(check(required, [cidr], 'c')).toEqual([]);
  });

  test.each([
    ['an octet over 255 in the first place', '256.0.0.1/32'],
    ['an octet over 255 in the second place', '10.256.0.1/32'],
    ['an octet over 255 in the third place', '10.0.256.1/32'],
    ['an octet over 255 in the fourth place', '10.0.0.256/32'],
    ['a prefix length over 32', '10.0.0.1/33'],
    ['an octet of four digits', '10.0.0.1000/32'],
    ['a prefix length of three digits', '10.0.0.1/032'],
    ['no prefix length', '10.0.0.1'],
    ['three octets', '10.0.1/24'],
    ['text before it', 'x10.0.0.1/32'],
    ['text after it', '10.0.0.1/32x'],
    ['a space after it', '10.0.0.1/32 '],
    ['an IPv6 address', '::1/128'],
  ])('fails on %s', (_case, cidr) => {
    expect(check(required, ['10.0.0.1/32', cidr], 'c')).toEqual([{ path: 'c[1]', value: cidr, fix: ENTRY_FIX }]);
  });

  test.each([[167772161], [['10.0.0.1/32']]])('fails on the entry %p, which is not a string (even one that prints as a CIDR)', (entry) => {
    expect(check(optional, [entry], 'c')).toEqual([{ path: 'c[0]', value: entry, fix: ENTRY_FIX }]);
  });

  test('an empty list fails only where one is required', () => {
    expect(fixFor(required, [])).toBe('use a list of IPv4 CIDRs like "10.0.0.1/32"');
    expect(fixFor(optional, [])).toBeUndefined();
  });

  test.each([['10.0.0.1/32'], [{ 0: '10.0.0.1/32' }], [undefined]])('fails when the list is %p, not a list', (value) => {
    expect(fixFor(optional, value)).toBe('use a list of IPv4 CIDRs like "10.0.0.1/32"');
  });
});

describe('object', () => {
  const rule: Rule = {
    kind: 'object',
    fields: { size: { kind: 'integer', min: 1 }, inner: { kind: 'object', fields: { name: { kind: 'string', pattern: /^[a-z]+$/, example: 'abc' } } } },
  };

  test('accepts an object with every field valid', () => {
    expect(check(rule, { size: 1, inner: { name: 'x' } }, 'o')).toEqual([]);
  });

  test('names the path of a nested problem, an unknown field and a missing one, all at once', () => {
    expect(check(rule, { size: 0, extra: true, inner: { name: 'X' } }, 'o')).toEqual([
      { path: 'o.extra', value: true, fix: 'remove it: known fields are size, inner' },
      { path: 'o.size', value: 0, fix: 'use a whole number of at least 1' },
      { path: 'o.inner.name', value: 'X', fix: 'use a value like "abc"' },
    ]);
    expect(check(rule, { size: 1 }, 'o')).toEqual([{ path: 'o.inner', value: undefined, fix: 'set it (it is required)' }]);
  });

  test('a field set to undefined is present, and checked', () => {
    expect(check(rule, { size: undefined, inner: { name: 'x' } }, 'o')).toEqual([{ path: 'o.size', value: undefined, fix: 'use a whole number of at least 1' }]);
  });

  test.each([[null], [[]], ['x'], [undefined]])('fails when the value is %p, not an object', (value) => {
    expect(fixFor(rule, value)).toBe('use an object');
  });
});

// A field a construct defaults (the config leaves it to the construct): absent or undefined is
// accepted, a value given is checked as any other.
describe('optional field', () => {
  const rule = {
    kind: 'object',
    fields: { size: optional({ kind: 'integer', min: 1 }), inner: optional({ kind: 'object', fields: { name: { kind: 'string', pattern: /^[a-z]+$/, example: 'abc' } } }) },
  } as const satisfies Rule;

  test('may be left out, or set to undefined', () => {
    expect(check(rule, {}, 'o')).toEqual([]);
    expect(check(rule, { size: undefined, inner: undefined }, 'o')).toEqual([]);
  });

  test('is checked when given, its own required fields too', () => {
    expect(check(rule, { size: 0, inner: {} }, 'o')).toEqual([
      { path: 'o.size', value: 0, fix: 'use a whole number of at least 1' },
      { path: 'o.inner.name', value: undefined, fix: 'set it (it is required)' },
    ]);
  });

  test('is optional in the Accepted type, and only it', () => {
    const none: Accepted<typeof rule> = {};
    const some: Accepted<typeof rule> = { size: 2, inner: { name: 'x' } };
    // @ts-expect-error: a required field inside an optional object stays required
    const missing: Accepted<typeof rule> = { inner: {} };
    expect([none, some, missing].map((v) => check(rule, v, 'o').length)).toEqual([0, 0, 1]);
  });
});

describe('unknownKeys of an override', () => {
  const rule: Rule = { kind: 'object', fields: { a: { kind: 'object', fields: { b: { kind: 'integer', min: 0 } } }, labels: { kind: 'labels' } } };

  test('names unknown keys at any depth, with the known ones', () => {
    expect(unknownKeys(rule, { x: 1, a: { b: 1, c: 2 } }, '')).toEqual([
      { path: '.x', value: 1, fix: 'remove it: known fields are a, labels' },
      { path: '.a.c', value: 2, fix: 'remove it: known fields are b' },
    ]);
  });

  test('known keys pass; the keys of a labels map and of a non-object value are not fields', () => {
    expect(unknownKeys(rule, { a: { b: 1 }, labels: { anything: 'x' } }, '')).toEqual([]);
    expect(unknownKeys(rule, { a: 'not an object' }, '')).toEqual([]);
    expect(unknownKeys(rule, null, '')).toEqual([]);
  });
});

// The config's type is derived from its schema (Accepted<typeof SCHEMA>): a value of the derived
// type passes the rule, and tsc (npm test's typecheck) rejects what the rule would reject by kind.
test('Accepted is the type of the values a rule accepts', () => {
  const rule = {
    kind: 'object',
    fields: {
      count: { kind: 'integer', min: 0 },
      share: { kind: 'number', above: 0, max: 1, unit: '' },
      mode: { kind: 'enum', values: ['a', 'b'] },
      labels: { kind: 'labels' },
      cidrs: { kind: 'cidrs', allowEmpty: true },
      image: { kind: 'image', example: 'x:1' },
      nested: { kind: 'object', fields: { host: { kind: 'string', pattern: /^h$/, example: 'h' } } },
    },
  } as const satisfies Rule;
  const value: Accepted<typeof rule> = { count: 1, share: 0.5, mode: 'b', labels: { app: 'x' }, cidrs: ['10.0.0.1/32'], image: 'x:1', nested: { host: 'h' } };
  expect(check(rule, value, '')).toEqual([]);
  // @ts-expect-error: an enum's type is its values
  const wrongMode: Accepted<typeof rule> = { ...value, mode: 'c' };
  // @ts-expect-error: every field is required, nested ones too
  const missing: Accepted<typeof rule> = { ...value, nested: {} };
  expect(check(rule, wrongMode, '').map((p) => p.path)).toEqual(['.mode']);
  expect(check(rule, missing, '').map((p) => p.path)).toEqual(['.nested.host']);
});
