import { EnvironmentConfig, EnvironmentName, EnvironmentOverrides, resolveEnvironment } from '../config';
import { dev } from './dev';
import { production } from './production';
import { staging } from './staging';

export const ENVIRONMENT_OVERRIDES: Readonly<Record<EnvironmentName, EnvironmentOverrides>> = { dev, staging, production };

/**
 * The validated config of one environment; `extra` overrides (e.g. from a Pulumi stack: image
 * tags, API host) apply on top of the environment's own file.
 */
export function loadEnvironment(name: string, ...extra: readonly unknown[]): EnvironmentConfig {
  const own = (ENVIRONMENT_OVERRIDES as Record<string, EnvironmentOverrides | undefined>)[name];
  return resolveEnvironment(name, own ?? {}, ...extra);
}
