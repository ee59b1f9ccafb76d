// The one error format (lib/invalid.ts) that config, constructs and every other check share.
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid, InvalidError, invalidProp, propsSubject } from '../../lib/invalid';
import { ConfigError } from '../../stacks/config';

const thrown = (f: () => unknown): InvalidError => {
  try {
    f();
  } catch (error) {
    if (error instanceof InvalidError) return error;
    throw error;
  }
  throw new Error('expected an InvalidError');
};

test('names the subject, then each field with its value (as JSON) and its fix', () => {
  const error = new InvalidError('Invalid s', [
    { path: 'a.b', value: 'x', fix: 'use "y"' },
    { path: 'c[0]', value: { n: 1 }, fix: 'remove it' },
    { path: 'd', value: undefined, fix: 'set it' },
  ]);
  expect(error.message).toBe('Invalid s:\n  - a.b = "x": use "y".\n  - c[0] = {"n":1}: remove it.\n  - d = undefined: set it.');
  expect([error.name, error.subject, error.problems.length]).toEqual(['InvalidError', 'Invalid s', 3]);
});

test('invalid throws one problem of its subject', () => {
  expect(thrown(() => invalid('Invalid s', 'f', 0, 'use 1')).problems).toEqual([{ path: 'f', value: 0, fix: 'use 1' }]);
});

test("a construct's props are named by its class and its path in the tree", () => {
  class Widget extends Construct {}
  const widget = new Widget(new Chart(Testing.app(), 'dev'), 'W');
  expect(propsSubject(widget)).toBe('Invalid props of Widget "dev/W"');
  expect(thrown(() => invalidProp(widget, 'size', -1, 'use a size of at least 0')).message).toBe('Invalid props of Widget "dev/W":\n  - size = -1: use a size of at least 0.');
});

test('a config error is one of them, naming the environment', () => {
  const error = new ConfigError('staging', [{ path: 'agentManager.replicas', value: 0, fix: 'use a whole number of at least 1' }]);
  expect(error).toBeInstanceOf(InvalidError);
  expect([error.name, error.environment, error.message]).toEqual([
    'ConfigError',
    'staging',
    'Invalid configuration for environment "staging":\n  - agentManager.replicas = 0: use a whole number of at least 1.',
  ]);
});
