/**
 * The RulesConfig an environment's chart gives its WorkflowAlertRules: the config's fields and the
 * timing its CanaryRelease and AgentWorkerPool were built with (what stacks/workflow-chart.ts passes).
 */
import { RulesConfig } from '../../lib/observability/rules/rules-config';
import { rulesConfigOf } from '../../stacks/alerting';
import { EnvironmentConfig } from '../../stacks/config';
import { synthesizeEnvironment } from '../../stacks/synth';

export function rulesConfigFor(config: EnvironmentConfig): RulesConfig {
  const { chart } = synthesizeEnvironment(config);
  return rulesConfigOf(config, { canary: chart.canary.timing, agentPodStartSeconds: chart.agentWorkers.podStartSeconds });
}
