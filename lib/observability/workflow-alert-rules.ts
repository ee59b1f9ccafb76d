import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { RUNBOOK_ID } from '../runbook';
import { componentLabels } from '../workloads/labels';
import { workflowRuleGroups } from './rules';
import { validateRulesConfig } from './rules/alert-rules';
import { RuleGroup, RulesConfig } from './rules/rules-config';

/** Props of {@link WorkflowAlertRules}: the environment's thresholds, links and SLO (see RulesConfig). */
export interface WorkflowAlertRulesProps extends RulesConfig {
  /** Labels the Prometheus selects rules by (kube-prometheus-stack: `release: <release>`). @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** @default 'agentaskit-wf-001' */
  readonly name?: string;
}

/**
 * The PrometheusRule of runbook WF-001: recording rules and every alert, scoped to one
 * environment's namespace. alerts/wf-001.yaml is production's `spec.groups` as a plain file.
 */
export class WorkflowAlertRules extends Construct {
  public readonly rule: PrometheusRule;
  /** The rule groups, as in a plain rules file. */
  public readonly groups: readonly RuleGroup[];

  constructor(scope: Construct, id: string, props: WorkflowAlertRulesProps) {
    super(scope, id);
    validateRulesConfig(props);
    this.groups = workflowRuleGroups(props);
    this.rule = new PrometheusRule(this, 'Resource', {
      metadata: {
        name: props.name ?? `agentaskit-${RUNBOOK_ID.toLowerCase()}`,
        labels: { ...componentLabels('agentaskit-alerts', 'monitoring'), ...props.selectorLabels },
      },
      spec: {
        groups: this.groups.map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) => ({ ...rule, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) })),
        })),
      },
    });
  }
}
