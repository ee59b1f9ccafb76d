import { BASE, ConfigError, EnvironmentConfig, EnvironmentName, EnvironmentOverrides, ENVIRONMENTS, resolveEnvironment } from '../config';
import { Problem } from '../config';
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
  const config = resolveEnvironment(name, own ?? {}, ...extra);
  const problems = dashboardShippingProblems(config);
  if (problems.length > 0) throw new ConfigError(name, problems);
  return config;
}

/**
 * The rule across environment files: of the environments sharing a Grafana (`grafanaUrl`),
 * exactly one has `monitoring.dashboards: 'ship'`. The dashboards' uids are fixed, so copies from
 * two namespaces overwrite each other through the sidecar; with none, the links lead nowhere.
 * `config` is the environment being loaded (with any stack overrides); the others are read from
 * their files.
 */
export function dashboardShippingProblems(config: EnvironmentConfig, overrides: Readonly<Record<EnvironmentName, EnvironmentOverrides>> = ENVIRONMENT_OVERRIDES): Problem[] {
  const grafanaOf = (e: EnvironmentName) => overrides[e].grafanaUrl ?? BASE.grafanaUrl;
  const dashboardsOf = (e: EnvironmentName) => overrides[e].monitoring?.dashboards ?? BASE.monitoring.dashboards;
  const sharing = ENVIRONMENTS.filter((e) => e !== config.environment && grafanaOf(e) === config.grafanaUrl);
  const shipping = sharing.filter((e) => dashboardsOf(e) === 'ship');
  const value = config.monitoring.dashboards;
  if (value === 'ship' && shipping.length > 0) {
    return [{
      path: 'monitoring.dashboards',
      value,
      fix: `${shipping.join(', ')} already ships the dashboards to ${config.grafanaUrl}; exactly one environment per Grafana may (their uids are fixed, so copies overwrite each other through the sidecar): set "linked" here`,
    }];
  }
  if (value === 'linked' && shipping.length === 0) {
    const all = ENVIRONMENTS.filter((e) => e === config.environment || sharing.includes(e));
    return [{ path: 'monitoring.dashboards', value, fix: `no environment ships the dashboards to ${config.grafanaUrl} (${all.join(', ')} all link to them): set "ship" in exactly one` }];
  }
  return [];
}
