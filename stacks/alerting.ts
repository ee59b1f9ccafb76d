import { RulesConfig } from '../lib/observability/rules/rules-config';
import { EnvironmentConfig } from './config';

/** What WF-001's rules read from an environment's config. */
export function rulesConfigOf(config: EnvironmentConfig): RulesConfig {
  return { namespace: config.namespace, grafanaUrl: config.grafanaUrl, thresholds: config.thresholds, canary: config.canary, agentPodStartSeconds: config.agentWorker.podStartSeconds, ...config.alerting };
}
