/**
 * WF-001's rules through the real promtool: `check rules` for every environment, and
 * `test rules` with a firing and a silent case for every alert (alert-cases.ts), checking the
 * exact labels and annotations Alertmanager and the on-call will see.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { ALERTS } from '../../../lib/observability/alerts';
import { dashboardUrl } from '../../../lib/observability/runbook-links';
import { ruleFileYaml, workflowRuleGroups } from '../../../lib/observability/rules';
import { alertDefinitions } from '../../../lib/observability/rules/alert-rules';
import { AlertingRule, RulesConfig } from '../../../lib/observability/rules/rules-config';
import { ESCALATION } from '../../../lib/runbook';
import { ENVIRONMENTS } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { rulesConfigFor } from '../../support/rules-config';
import { run } from '../../support/tools';
import { ALERT_CASES, AlertCase, CASES_NAMESPACE } from './alert-cases';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-promtool-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeRules(config: RulesConfig): string {
  const file = path.join(dir, `${config.namespace}.rules.yaml`);
  fs.writeFileSync(file, ruleFileYaml(workflowRuleGroups(config), 'test'));
  return file;
}

/** The description a firing alert shows: the rule's template with `$value` and `$labels` filled in. */
function expectedDescription(template: string, value: string, labels: Readonly<Record<string, string>>): string {
  return template
    .replace(/\{\{ \$value(?: \| \w+)? \}\}/g, value)
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => {
      if (!(name in labels)) throw new Error(`template uses $labels.${name}, which the case does not expect`);
      return labels[name]!;
    });
}

function promtoolTest(config: RulesConfig, rulesFile: string, cases: readonly AlertCase[]): string {
  const rules = workflowRuleGroups(config).flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
  const tests = cases.map((c) => {
    const info = ALERTS[c.alert];
    return {
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [
        {
          eval_time: `${c.evalMinutes}m`,
          alertname: info.name,
          exp_alerts: c.expect.map((e) => {
            const labels = { severity: ESCALATION[info.priority].severity, priority: info.priority, ...e.labels };
            // Rules of one alert differ only in their extra labels (the SLO windows).
            const rule = rules.find((r) => r.alert === info.name && Object.entries(r.labels).every(([k, v]) => labels[k as keyof typeof labels] === v))!;
            return {
              exp_labels: labels,
              exp_annotations: {
                ...rule.annotations,
                description: expectedDescription(rule.annotations.description!, e.value, e.labels),
                dashboard_url: dashboardUrl(config.grafanaUrl, e.dashboard ?? info.dashboard, config.namespace),
              },
            };
          }),
        },
      ],
    };
  });
  const file = path.join(dir, 'wf-001.test.yaml');
  // promtool evaluates groups in random order unless told: recording rules first, as alerts read them.
  const groupEvalOrder = workflowRuleGroups(config).map((g) => g.name);
  fs.writeFileSync(file, YAML.stringify({ rule_files: [rulesFile], evaluation_interval: '1m', group_eval_order: groupEvalOrder, tests }));
  return file;
}

describe('promtool check rules', () => {
  it.each(ENVIRONMENTS)('accepts the %s rules', (environment) => {
    const r = run('promtool', ['check', 'rules', writeRules(rulesConfigFor(loadEnvironment(environment)))]);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('fails on a broken expression (the check can fail)', () => {
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'rate(x[5m]' }] }] }));
    expect(run('promtool', ['check', 'rules', file]).code).not.toBe(0);
  });
});

describe('promtool test rules', () => {
  const config = rulesConfigFor(loadEnvironment('production'));

  it('covers every alert with a firing and a silent case', () => {
    expect(config.namespace).toBe(CASES_NAMESPACE);
    for (const key of Object.keys(ALERTS)) {
      const cases = ALERT_CASES.filter((c) => c.alert === key);
      expect({ key, firing: cases.some((c) => c.expect.length > 0), silent: cases.some((c) => c.expect.length === 0) }).toEqual({ key, firing: true, silent: true });
    }
    // Every rule of a multi-rule alert (the SLO windows) fires in some case.
    const firing = ALERT_CASES.flatMap((c) => c.expect.map((e) => `${ALERTS[c.alert].name} ${JSON.stringify(e.labels.long_window ?? null)}`));
    for (const alert of alertDefinitions(config)) {
      expect(firing).toContain(`${ALERTS[alert.key].name} ${JSON.stringify(alert.labels?.long_window ?? null)}`);
    }
  });

  it('every case passes against the production rules', () => {
    const testFile = promtoolTest(config, writeRules(config), ALERT_CASES);
    const r = run('promtool', ['test', 'rules', testFile]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('fails when a case expects the wrong measured value (the harness can fail)', () => {
    const wrong = ALERT_CASES.filter((c) => c.alert === 'agentPoolDegraded' && c.expect.length > 0).map((c) => ({ ...c, expect: [{ ...c.expect[0]!, value: '5%' }] }));
    const r = run('promtool', ['test', 'rules', promtoolTest(config, writeRules(config), wrong)]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('5.1%');
  });
});
