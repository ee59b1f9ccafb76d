import { isPlainObject } from '../../lib/manifest';
import { namespaceFor } from '../../lib/runbook';
import { BASE } from './base';
import { InvalidError, Problem } from '../../lib/invalid';
import { check, unknownKeys } from './check';
import { crossFieldProblems } from './cross-field';
import { ENVIRONMENTS, SCHEMA } from './schema';
import { EnvironmentConfig } from './types';

/** Raised for invalid configuration; its message lists every problem with its fix (lib/invalid.ts's format). */
export class ConfigError extends InvalidError {
  constructor(
    public readonly environment: string,
    problems: readonly Problem[],
  ) {
    super(`Invalid configuration for environment "${environment}"`, problems);
    this.name = 'ConfigError';
  }
}

/** Overrides win; lists replace (never concatenate) so an environment states its whole list. */
function merge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge((base as Record<string, unknown>)[key], value);
  return out as T;
}

/** Builds and validates the config of `environment` from {@link BASE} and its overrides. */
export function resolveEnvironment(environment: string, ...overrides: readonly unknown[]): EnvironmentConfig {
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new ConfigError(environment, [{ path: 'environment', value: environment, fix: `use one of ${ENVIRONMENTS.join(', ')}` }]);
  }
  const unknown = overrides.flatMap((o) => [
    ...unknownKeys(SCHEMA, o, '').map((p) => ({ ...p, path: p.path.slice(1) })),
    ...(['environment', 'namespace'] as const)
      .filter((k) => isPlainObject(o) && k in o)
      .map((k) => ({ path: k, value: (o as Record<string, unknown>)[k], fix: `remove it: the ${k} is fixed by the environment's name` })),
  ]);
  if (unknown.length > 0) throw new ConfigError(environment, unknown);
  const config = overrides.reduce<unknown>(
    (acc, o) => merge(acc, o),
    { environment, namespace: namespaceFor(environment), ...BASE },
  ) as EnvironmentConfig;
  const problems = check(SCHEMA, config, '').map((p) => ({ ...p, path: p.path.replace(/^\./, '') }));
  if (problems.length === 0) problems.push(...crossFieldProblems(config));
  if (problems.length > 0) throw new ConfigError(environment, problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
