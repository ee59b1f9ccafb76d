import { CanaryTiming } from '../lib/delivery/canary-timing';
import { RulesConfig } from '../lib/observability/rules/rules-config';
import { EnvironmentConfig } from './config';

/**
 * What WF-001's rules read from an environment's config, and the timing of its canary as its
 * CanaryRelease computed it (WorkflowChart passes `canary.timing`), not recomputed from the config.
 */
export function rulesConfigOf(config: EnvironmentConfig, canary: CanaryTiming): RulesConfig {
  return { namespace: config.namespace, grafanaUrl: config.grafanaUrl, thresholds: config.thresholds, canary, agentPodStartSeconds: config.agentWorker.podStartSeconds, ...config.alerting };
}
