/**
 * Fast checks of WF-001's rules for every environment: every expression parses, uses only
 * contract series, is scoped to its namespace; every alert is catalogued and carries the
 * labels and annotations the escalation and the runbook rely on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlertKey, ALERTS } from '../../../lib/observability/alerts';
import { workflowRuleGroups } from '../../../lib/observability/rules';
import { deliveryBoundSeconds } from '../../../lib/observability/alert-routing';
import { alertDefinitions, validateRulesConfig } from '../../../lib/observability/rules/alert-rules';
import { AlertingRule, RecordingRule, RulesConfig } from '../../../lib/observability/rules/rules-config';
import { githubAnchor, RUNBOOK_SECTIONS } from '../../../lib/observability/runbook-links';
import { durationSeconds } from '../../../lib/observability/slo';
import { COMPONENTS, DashboardKey, DASHBOARDS, ESCALATION, THRESHOLDS } from '../../../lib/runbook';
import { ConfigError, ENVIRONMENTS } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { rulesConfigFor } from '../../support/rules-config';
import { parsePromql, recordedNames, unknownMetricNames } from '../../support/promql';
import { repoRoot } from '../../support/tools';

const isAlert = (rule: AlertingRule | RecordingRule): rule is AlertingRule => 'alert' in rule;
const rulesOf = (config: RulesConfig) => workflowRuleGroups(config).flatMap((g) => g.rules);
const alertsOf = (config: RulesConfig) => rulesOf(config).filter(isAlert);

const runbook = fs.readFileSync(path.join(repoRoot(), 'docs/runbooks/WF-001.md'), 'utf8');
const anchors = new Set([...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) => githubAnchor(m[1]!)));

describe.each(ENVIRONMENTS)('%s rules', (environment) => {
  const config = rulesConfigFor(loadEnvironment(environment));
  const rules = rulesOf(config);

  it.each(rules.map((r) => [isAlert(r) ? r.alert : r.record, r.expr]))('%s parses and reads only contract series', (_, expr) => {
    expect(parsePromql(expr).errors).toEqual([]);
    expect(unknownMetricNames(expr, recordedNames())).toEqual([]);
  });

  it('scopes every selector to the environment namespace (one Prometheus may hold several environments)', () => {
    for (const rule of rules) {
      for (const name of parsePromql(rule.expr).metricNames) {
        const selectors = rule.expr.split(name).slice(1);
        for (const rest of selectors) expect(`${name}${rest.slice(0, 60)}`).toMatch(new RegExp(`^${name}\\{namespace="${config.namespace}"`));
      }
    }
  });

  it('names recording rules level:metric:operations', () => {
    for (const rule of rules.filter((r): r is RecordingRule => !isAlert(r))) expect(rule.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  it('gives every alert severity, priority, summary, templated description, runbook and dashboard links', () => {
    for (const rule of alertsOf(config)) {
      const info = Object.values(ALERTS).find((a) => a.name === rule.alert);
      expect(info).toBeDefined();
      expect(rule.labels).toMatchObject({ priority: info!.priority, severity: ESCALATION[info!.priority].severity });
      expect(rule.annotations.summary).toBe(info!.summary);
      expect(rule.annotations.description).toContain('{{ $value');
      expect(rule.annotations.runbook_url).toBe(`${config.runbookUrl}#${githubAnchor(RUNBOOK_SECTIONS[info!.section])}`);
      const url = (key: DashboardKey) => `${config.grafanaUrl}/d/${DASHBOARDS[key].uid}?var-namespace=${config.namespace}`;
      // Replicas panels are on two dashboards: the link follows the alert's deployment label.
      const byDeployment =
        `{{ if eq $labels.deployment "${COMPONENTS.agentManager.name}" }}${url('agents')}` +
        `{{ else if eq $labels.deployment "${COMPONENTS.agentWorker.name}" }}${url('agents')}{{ else }}${url('orchestrator')}{{ end }}`;
      expect(rule.annotations.dashboard_url).toBe(info === ALERTS.replicasUnavailable ? byDeployment : url(info!.dashboard));
    }
  });

  it('defines a rule for every catalogued alert and no uncatalogued alert', () => {
    const names = new Set(alertsOf(config).map((r) => r.alert));
    expect([...names].sort()).toEqual(Object.values(ALERTS).map((a) => a.name).sort());
  });
});

describe('OrchestratorCanaryStuck waits for the longest run (analysis and the primary\'s rollout) plus the rollback target', () => {
  const forOf = (config: RulesConfig) => alertsOf(config).find((r) => r.alert === ALERTS.canaryStuck.name)!.for;

  it.each([
    // nginx: (⌈50 / 10⌉ weight steps + the promotion tick + threshold 4 − 1 failed checks, each holding the weight) × 30 s,
    // the primary's rollout (⌊60 s pod start / 30 s⌋ + 1) × 30 s, + 300 s.
    ['production', '660s'],
    ['staging', '660s'],
    // kubernetes (blue/green): (5 iterations + 1 + threshold 3 − 1) × 20 s + (⌊60 / 20⌋ + 1) × 20 s + 300 s.
    ['dev', '540s'],
  ] as const)('%s: for %s', (environment, expected) => {
    expect(forOf(rulesConfigFor(loadEnvironment(environment)))).toBe(expected);
  });

  it('follows the canary config (more steps or more tolerated failed checks, a longer wait)', () => {
    expect(forOf(rulesConfigFor(loadEnvironment('production', { canary: { stepWeight: 5 } })))).toBe(`${(10 + 4) * 30 + 3 * 30 + THRESHOLDS.rollbackSeconds}s`);
    expect(forOf(rulesConfigFor(loadEnvironment('production', { canary: { threshold: 2 } })))).toBe(`${(5 + 2) * 30 + 3 * 30 + THRESHOLDS.rollbackSeconds}s`);
  });

  it.each(ENVIRONMENTS)('%s: once a canary is stuck (past the longest run) it reaches the P1 responder within the runbook response time (margin + delivery bound)', (environment) => {
    const config = rulesConfigFor(loadEnvironment(environment));
    const forSeconds = durationSeconds(forOf(config)!);
    expect(forSeconds - config.canary.longestCanaryTrafficSeconds + deliveryBoundSeconds('P1')).toBeLessThanOrEqual(ESCALATION.P1.responseMinutes * 60);
  });

  it('says in dev (blue/green) that the weight is Flagger\'s report, not live traffic (the Noop router reports 100)', () => {
    const description = (env: 'dev' | 'production') => alertsOf(rulesConfigFor(loadEnvironment(env))).find((r) => r.alert === ALERTS.canaryStuck.name)!.annotations.description;
    expect(description('dev')).toMatch(/blue\/green analysis \(Flagger reports weight \{\{ \$value \}\}; live traffic stays on the primary until promotion\)/);
    expect(description('dev')).not.toMatch(/of the live traffic/);
    expect(description('production')).toMatch(/\{\{ \$value \}\}% of the live traffic/);
  });

  it('watches the canary workload, which Flagger labels with the target Deployment (the primary has its own series)', () => {
    expect(alertsOf(rulesConfigFor(loadEnvironment('production'))).find((r) => r.alert === ALERTS.canaryStuck.name)!.expr).toContain(
      `flagger_canary_weight{namespace="agentaskit-production", workload="${COMPONENTS.orchestrator.name}"}`,
    );
  });
});

describe('runbook links', () => {
  it('every runbook_url anchor is a heading of docs/runbooks/WF-001.md', () => {
    for (const rule of alertsOf(rulesConfigFor(loadEnvironment('production')))) {
      expect(anchors).toContain(rule.annotations.runbook_url!.split('#')[1]);
    }
  });

  it('every in-page link of the runbook resolves', () => {
    for (const [, anchor] of runbook.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors).toContain(anchor);
  });

  it.each(Object.entries(ALERTS))('the Alerts table lists %s with its priority and section', (_, info) => {
    const row = runbook.split('\n').find((line) => line.startsWith(`| \`${info.name}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${info.priority} |`);
    expect(row).toContain(`(#${githubAnchor(RUNBOOK_SECTIONS[info.section])})`);
  });

  it('githubAnchor matches GitHub slugs', () => {
    expect(githubAnchor('Issue 4: Orchestrator Errors, Latency or SLO Burn')).toBe('issue-4-orchestrator-errors-latency-or-slo-burn');
    expect(githubAnchor('Rollback Procedure')).toBe('rollback-procedure');
  });
});

describe('thresholds come from the environment config', () => {
  const expr = (config: RulesConfig, key: AlertKey) => alertsOf(config).find((r) => r.alert === ALERTS[key].name)!.expr;

  it('uses the runbook values by default', () => {
    const config = rulesConfigFor(loadEnvironment('production'));
    expect(expr(config, 'orchestratorErrorRate')).toMatch(new RegExp(` > ${THRESHOLDS.errorRatePercent / 100}$`));
    expect(expr(config, 'orchestratorLatency')).toMatch(new RegExp(` > ${THRESHOLDS.latencyP99Milliseconds / 1000}$`));
    expect(expr(config, 'agentPoolDegraded')).toMatch(new RegExp(` > ${THRESHOLDS.unhealthyAgentsPercent / 100}$`));
    expect(expr(config, 'phaseStuckPending')).toMatch(new RegExp(` > ${THRESHOLDS.phasePendingSeconds}$`));
  });

  it('follows stricter environment thresholds and SLO', () => {
    const config = rulesConfigFor(
      loadEnvironment('staging', { thresholds: { errorRatePercent: 0.5, latencyP99Milliseconds: 150 }, alerting: { sloAvailabilityPercent: 99.5 } }),
    );
    expect(expr(config, 'orchestratorErrorRate')).toMatch(/ > 0\.005$/);
    expect(expr(config, 'orchestratorLatency')).toMatch(/ > 0\.15$/);
    expect(expr(config, 'errorBudgetFastBurn')).toContain('> (14.4 * 0.005)');
  });

  it('fails when the paging level of unhealthy agents is not above the degraded level', () => {
    expect(() => loadEnvironment('dev', { alerting: { unhealthyAgentsCriticalPercent: 5 } })).toThrow(ConfigError);
    expect(() => loadEnvironment('dev', { alerting: { unhealthyAgentsCriticalPercent: 5 } })).toThrow(
      /alerting\.unhealthyAgentsCriticalPercent = 5: use more than thresholds\.unhealthyAgentsPercent \(5\)/,
    );
    const config = rulesConfigFor(loadEnvironment('dev'));
    expect(() => validateRulesConfig({ ...config, unhealthyAgentsCriticalPercent: 4 })).toThrow(/unhealthyAgentsCriticalPercent = 4: use more than/);
  });

  it('fails when the SLO or runbook URL is invalid', () => {
    expect(() => loadEnvironment('dev', { alerting: { sloAvailabilityPercent: 100 } })).toThrow(/alerting\.sloAvailabilityPercent = 100: use a number above 90 and at most 99\.999/);
    expect(() => loadEnvironment('dev', { alerting: { runbookUrl: 'http://wiki/runbook' } })).toThrow(/alerting\.runbookUrl = "http:\/\/wiki\/runbook": use a value like/);
  });

  it('every alert definition has at least one condition whose measured side is not a bare number', () => {
    for (const alert of alertDefinitions(rulesConfigFor(loadEnvironment('production')))) {
      expect(alert.conditions.length).toBeGreaterThan(0);
      for (const c of alert.conditions) expect(Number.isNaN(Number(c.measured))).toBe(true);
    }
  });
});
