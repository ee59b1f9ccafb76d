/**
 * The escalation routing through the real amtool: the plain alertmanager.yml (the operator's
 * rendering of the AlertmanagerConfig) is valid, each priority reaches the runbook's receivers,
 * and every alert the rules can raise routes to the receivers its priority names.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import {
  checkTimings,
  DEFAULT_RECEIVER,
  deliveryBoundSeconds,
  ESCALATION_ROUTES,
  operatorReceiverName,
  plainAlertmanagerConfig,
  PlainConfigOptions,
  ReceiverKey,
} from '../../../lib/observability/alert-routing';
import { workflowRuleGroups } from '../../../lib/observability/rules';
import { AlertingRule } from '../../../lib/observability/rules/rules-config';
import { ESCALATION, Priority } from '../../../lib/runbook';
import { SECRETS } from '../../../lib/secrets';
import { ENVIRONMENTS } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { rulesConfigFor } from '../../support/rules-config';
import { run } from '../../support/tools';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-amtool-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * The receivers a priority is delivered to, in route order, as Alertmanager walks
 * ESCALATION_ROUTES (first match, on through `continue`, else the default): what amtool must print.
 */
function receiversFor(priority: Priority): ReceiverKey[] {
  const out: ReceiverKey[] = [];
  for (const route of ESCALATION_ROUTES) {
    if (!route.priorities.includes(priority)) continue;
    out.push(route.receiver);
    if (!route.continue) break;
  }
  return out.length > 0 ? out : [DEFAULT_RECEIVER];
}

const CONFIG_NAME = 'agentaskit-escalation';

function writeConfig(options: PlainConfigOptions): string {
  const file = path.join(dir, `${options.namespace}.alertmanager.yml`);
  fs.writeFileSync(file, YAML.stringify(plainAlertmanagerConfig(options)));
  return file;
}

/** Receivers amtool routes a label set to, in order. */
function routesTo(file: string, labels: Readonly<Record<string, string>>): string[] {
  const r = run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  if (r.code !== 0 && !/^\S/.test(r.stdout)) throw new Error(`amtool failed: ${r.stderr}`);
  return r.stdout.trim().split(',');
}

describe.each(ENVIRONMENTS)('%s alertmanager.yml', (environment) => {
  const namespace = loadEnvironment(environment).namespace;
  const options = { namespace, configName: CONFIG_NAME };
  const file = writeConfig(options);
  const expected = (keys: ReceiverKey[]) => keys.map((k) => operatorReceiverName(options, k));

  it('passes amtool check-config', () => {
    const r = run('amtool', ['check-config', file]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it.each<[Priority, ReceiverKey[]]>([
    ['P1', ['pager', 'slack']],
    ['P2', ['slack']],
    ['P3', ['ticket']],
  ])('routes %s to %j', (priority, receivers) => {
    expect(receiversFor(priority)).toEqual(receivers);
    expect(routesTo(file, { namespace, priority, alertname: 'Any' })).toEqual(expected(receivers));
  });

  it('routes every alert of the rules to the receivers of its priority', () => {
    const alerts = workflowRuleGroups(rulesConfigFor(loadEnvironment(environment)))
      .flatMap((g) => g.rules)
      .filter((r): r is AlertingRule => 'alert' in r);
    for (const alert of alerts) {
      const priority = alert.labels.priority as Priority;
      expect({ alert: alert.alert, to: routesTo(file, { ...alert.labels, alertname: alert.alert, namespace }) }).toEqual({
        alert: alert.alert,
        to: expected(receiversFor(priority)),
      });
    }
  });

  it("ignores other namespaces' alerts (the operator's namespace matcher)", () => {
    expect(routesTo(file, { namespace: 'kube-system', priority: 'P1', alertname: 'Any' })).toEqual(['null']);
  });

  it('names Secrets, never secret values', () => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`/etc/alertmanager/secrets/${SECRETS.pagerdutyRoutingKey.name}/${SECRETS.pagerdutyRoutingKey.key}`);
    expect(text).toContain(`/etc/alertmanager/secrets/${SECRETS.slackWebhook.name}/${SECRETS.slackWebhook.key}`);
    expect(text).not.toMatch(/hooks\.slack\.com|events\.pagerduty\.com/);
  });
});

describe('escalation timing', () => {
  it.each(Object.keys(ESCALATION) as Priority[])('%s is delivered within half its response time', (priority) => {
    expect(deliveryBoundSeconds(priority)).toBeLessThanOrEqual((ESCALATION[priority].responseMinutes * 60) / 2);
  });

  it('fails when a route is too slow for its priority, naming the fix', () => {
    const slow = ESCALATION_ROUTES.map((r) => (r.receiver === 'pager' ? { ...r, groupInterval: '15m' } : r));
    expect(() => checkTimings(slow)).toThrow(/^Invalid escalation routes:\n {2}- P1 route = \{"groupWait":"[^"]+","groupInterval":"15m"\}: group_wait \+ group_interval = 930s exceeds 450s, .*; shorten groupWait or groupInterval\.$/);
  });

  it('fails when a priority has no route', () => {
    expect(() => deliveryBoundSeconds('P3', ESCALATION_ROUTES.filter((r) => r.receiver !== 'ticket'))).toThrow(/P3 route = undefined: route P3 alerts: add it to the priorities of a route in ESCALATION_ROUTES/);
  });
});
