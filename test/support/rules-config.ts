/**
 * The RulesConfig an environment's chart gives its WorkflowAlertRules: the config's fields and the
 * canary timing its CanaryRelease computed (what stacks/workflow-chart.ts passes).
 */
import { RulesConfig } from '../../lib/observability/rules/rules-config';
import { rulesConfigOf } from '../../stacks/alerting';
import { EnvironmentConfig } from '../../stacks/config';
import { synthesizeEnvironment } from '../../stacks/synth';

export function rulesConfigFor(config: EnvironmentConfig): RulesConfig {
  return rulesConfigOf(config, synthesizeEnvironment(config).chart.canary.timing);
}
