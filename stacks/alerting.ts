import { CanaryTiming } from '../lib/delivery/canary-timing';
import { RulesConfig } from '../lib/observability/rules/rules-config';
import { EnvironmentConfig } from './config';

/** What WF-001's rules read from the constructs as they were built, not recomputed from the config. */
export interface BuiltTiming {
  /** The canary's timing as its CanaryRelease computed it (`canary.timing`). */
  readonly canary: CanaryTiming;
  /** The agents' start budget as the AgentWorkerPool was built with it (`podStartSeconds`). */
  readonly agentPodStartSeconds: number;
}

/** What WF-001's rules read from an environment's config, and the timing of the built constructs. */
export function rulesConfigOf(config: EnvironmentConfig, built: BuiltTiming): RulesConfig {
  return { namespace: config.namespace, grafanaUrl: config.grafanaUrl, thresholds: config.thresholds, ...built, ...config.alerting };
}
