import { DNS_LABEL, requireDnsLabel } from '../../../lib/workloads/names';

const FIX = 'use a valid Kubernetes name: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "agentaskit-production".';

test.each(['a', '0', 'agentaskit-production', 'a-b-c', 'a--b', '9z', 'a'.repeat(63)])('accepts the name %s', (name) => {
  expect(DNS_LABEL.test(name)).toBe(true);
  expect(requireDnsLabel('Invalid s', 'f', name)).toBe(name);
});

test.each([
  ['empty', ''],
  ['64 characters', 'a'.repeat(64)],
  ['an upper-case letter', 'Agentaskit'],
  ['a leading "-"', '-a'],
  ['a trailing "-"', 'a-'],
  ['a "."', 'a.b'],
  ['a "_"', 'a_b'],
  ['text before a valid name', ' a'],
  ['text after a valid name', 'a '],
])('fails on a name with %s, naming the field and the value', (_case, name) => {
  expect(DNS_LABEL.test(name)).toBe(false);
  expect(() => requireDnsLabel('Invalid props of X "c/X"', 'namespace', name)).toThrow(`Invalid props of X "c/X":\n  - namespace = ${JSON.stringify(name)}: ${FIX}`);
});
