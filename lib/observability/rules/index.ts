/**
 * All of WF-001's Prometheus rules for one environment: recording rules first (alerts read
 * them), then alerts. Rendered into the PrometheusRule object and into alerts/wf-001.yaml.
 */
import { RUNBOOK_ID } from '../../runbook';
import { toYaml } from '../../yaml';
import { alertingRules } from './alert-rules';
import { recordingRules } from './recording-rules';
import { RuleGroup, RulesConfig } from './rules-config';

/**
 * Prometheus evaluates groups concurrently, so an alert may read a recorded series one
 * evaluation old; every threshold tolerates that (promtool tests fix the order with group_eval_order).
 */
export function workflowRuleGroups(config: RulesConfig): RuleGroup[] {
  return [...recordingRules(config), ...alertingRules(config)];
}

/** A plain Prometheus rules file (`groups:`), as `promtool check rules` and `rule_files` read it. */
export function ruleFileYaml(groups: readonly RuleGroup[], header: string): string {
  const body = toYaml({ groups });
  return `${header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n')}\n# Runbook ${RUNBOOK_ID}.\n${body}`;
}
