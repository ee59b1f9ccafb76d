/**
 * All of WF-001's Prometheus rules for one environment: recording rules first (alerts read
 * them), then alerts. Rendered into the PrometheusRule object and into alerts/wf-001.yaml.
 */
import * as YAML from 'yaml';
import { RUNBOOK_ID } from '../../runbook';
import { alertingRules } from './alert-rules';
import { recordingRules } from './recording-rules';
import { RuleGroup, RulesConfig } from './rules-config';

export function workflowRuleGroups(config: RulesConfig): RuleGroup[] {
  return [...recordingRules(config), ...alertingRules(config)];
}

/** A plain Prometheus rules file (`groups:`), as `promtool check rules` and `rule_files` read it. */
export function ruleFileYaml(groups: readonly RuleGroup[], header: string): string {
  const body = YAML.stringify({ groups }, { lineWidth: 0, minContentWidth: 0 });
  return `${header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n')}\n# Runbook ${RUNBOOK_ID}.\n${body}`;
}
