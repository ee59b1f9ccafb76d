/**
 * The one typed configuration of an environment. Environments (stacks/environments/) are thin
 * overrides of BASE (base.ts); resolve.ts validates the result against SCHEMA (schema.ts) and the
 * cross-field checks before any object is synthesized.
 * The config speaks in operational terms (pool size, hosts, thresholds), never Kubernetes fields.
 * Its type is derived from SCHEMA, so a field is declared (and documented) there alone.
 */
import { Accepted } from './check';
import { ENVIRONMENTS, SCHEMA } from './schema';

export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export type EnvironmentConfig = Accepted<typeof SCHEMA>;

// NonNullable: an optional object field (Rule.optional) is partial too.
type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : NonNullable<T[K]> extends object ? DeepPartial<NonNullable<T[K]>> : T[K] };

/** What an environment file may set: anything of the config except its identity. */
export type EnvironmentOverrides = DeepPartial<Omit<EnvironmentConfig, 'environment' | 'namespace'>>;
