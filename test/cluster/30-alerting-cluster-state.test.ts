/**
 * Alerts on cluster state from real kube-state-metrics (scenario 4) and their routing through a
 * real Alertmanager to stand-ins for PagerDuty, Slack and the ticket webhook (scenario 5).
 *
 * Agents are made NotReady through kwok (stage pod-readiness-failing: the pod annotation
 * READINESS_ANNOTATION=failing), around the thresholds: below 5 %, above 5 %, above 10 %; and a
 * whole Deployment (agent-manager) unavailable. Rules are the PrometheusRule as
 * prometheus-operator renders it; Alertmanager runs the config it renders from our
 * AlertmanagerConfig. Times are production's divided by AGENTASKIT_CLUSTER_TIME_SCALE (rule `for`,
 * scrape/evaluation interval, Prometheus' resend delay, group timings; support/alerting-live.ts
 * ALERTING_TEST_OVERRIDES). Bounds are computed from those values: firing from the rule's
 * condition holding (conditionHeldSince), notices from the route's group_wait / group_interval,
 * resolution notices from Prometheus resolving the alert (resolutionBoundSeconds).
 */
import { parseFlaggerDuration } from '../../lib/delivery/rollback-budget';
import { ALERTS } from '../../lib/observability/alerts';
import { SCRAPE_INTERVAL_SECONDS } from '../../lib/metrics-contract';
import { AGENT_POD_PATTERN, RECORDED } from '../../lib/observability/rules/recording-rules';
import { COMPONENTS, ESCALATION, Priority, SLACK_CHANNEL, THRESHOLDS } from '../../lib/runbook';
import { READINESS_ANNOTATION } from '../../scripts/cluster/stages';
import { loadEnvironment } from '../../stacks/environments';
import { AlertingHarness, ourPrometheusRule, startAlertingHarness } from '../support/alerting-live';
import { applyProduction, NS } from '../support/canary-live';
import { deployment, drained, eventually, kube, kubeJson, kubeJsonAsync, kubeResult, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { sleep } from '../support/programs';
import { Received, RecordingReceiver } from '../support/recording-receiver';
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../scripts/cluster/tools';
import { agentPoolTiming } from '../../lib/workloads/agent-worker-pool';
import { needsTools } from '../support/suite-tools';

needsTools('kube-state-metrics', 'prometheus-operator');

const config = loadEnvironment('production');
const POOL = config.agentWorker.poolSize;
const AGENTS = COMPONENTS.agentWorker.name;
const MANAGER = COMPONENTS.agentManager.name;
let h: AlertingHarness;

/** Seconds of production, scaled. */
const scaled = (seconds: number) => seconds / h.scale;
const evalSeconds = () => scaled(SCRAPE_INTERVAL_SECONDS);
/** The rendered alerting rule of `alert`. */
function ruleOf(alert: string): { alert: string; expr: string; for: string } {
  return ourPrometheusRule().spec.groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules).find((r: { alert?: string }) => r.alert === alert);
}
/** The rendered rule's `for`, production seconds. */
function forSeconds(alert: string): number {
  return parseFlaggerDuration(ruleOf(alert).for);
}
/**
 * When the alert's condition (its rule's expression, as rendered) first held in Prometheus
 * between `since` and `until` (ms), for the series with `labels`: a range query at a step of half
 * an evaluation interval. From then on the rule is Prometheus' alone: it sees the condition at
 * its next evaluation (pending), fires at the first evaluation at least `for` later
 * (v2.42.0 rules/alerting.go:451-454), so within `for` + one evaluation, observed up to one poll later.
 * How long kubectl and kwok took to make the pods NotReady is not the rule's to answer for.
 */
async function conditionHeldSince(alert: string, labels: Record<string, string>, since: number, until: number): Promise<number> {
  const step = evalSeconds() / 2;
  const r = await h.prometheus.queryRange(ruleOf(alert).expr, since / 1000, until / 1000 + step, step);
  const series = (r.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>).filter((x) => Object.entries(labels).every(([k, v]) => x.metric[k] === v));
  const first = Math.min(...series.flatMap((x) => x.values.map(([t]) => t)));
  if (!Number.isFinite(first)) throw new Error(`${alert}: its expression never held between ${new Date(since).toISOString()} and ${new Date(until).toISOString()}`);
  return first * 1000;
}
/** Seconds from its condition holding to the alert firing, at most (see conditionHeldSince). */
function fireBoundSeconds(alert: string): number {
  return scaled(forSeconds(alert)) + 2 * evalSeconds() + 2;
}
/** The group_wait / group_interval of the route a priority takes (operator-rendered, production). */
function routeTiming(priority: Priority): { waitSeconds: number; intervalSeconds: number } {
  const routes = h.renderedAlertmanagerConfig.route.routes.flatMap((r: { routes?: unknown[] }) => r.routes ?? []) as Array<{ matchers: string[]; group_wait: string; group_interval: string }>;
  // The first route (in order) whose priority matcher (`priority="P1"`, `priority=~"P1|P2"`) selects it.
  const selects = (m: string) => {
    const match = /^priority(=~|=)"(.*)"$/.exec(m);
    return !!match && (match[1] === '=' ? match[2] === priority : new RegExp(`^(?:${match[2]})$`).test(priority));
  };
  const route = routes.find((r) => r.matchers.some(selects));
  if (!route) throw new Error(`no route for ${priority} in ${JSON.stringify(routes)}`);
  return { waitSeconds: parseFlaggerDuration(route.group_wait), intervalSeconds: parseFlaggerDuration(route.group_interval) };
}

interface PodList {
  items: Array<{ metadata: { name: string; creationTimestamp: string; deletionTimestamp?: string; annotations?: Record<string, string> } }>;
}
// The stand-in receivers (PagerDuty, Slack, ticket) are HTTP servers in this test process: a
// synchronous kubectl here blocks their event loop, and Alertmanager's POST to them then hangs
// until its notify timeout (the group_interval, at least 10 s) and is retried at the group's
// next flush: seen live, an `annotate` of 200 pods under load took 37 s and the resolution
// notices came three group intervals late ("context deadline exceeded" in Alertmanager's log).
// So every kubectl while receivers may be notified is asynchronous.
async function podsOf(prefix: string, onlyFailing = false): Promise<string[]> {
  const list = await kubeJsonAsync<PodList>(['pods', '-n', NS]);
  if (!list) throw new Error(`kubectl get pods -n ${NS} failed`);
  return list.items
    .filter((p) => !p.metadata.deletionTimestamp && new RegExp(`^${prefix}$`).test(p.metadata.name))
    .filter((p) => !onlyFailing || p.metadata.annotations?.[READINESS_ANNOTATION] !== undefined)
    .map((p) => p.metadata.name)
    .sort();
}
async function annotate(pods: readonly string[], failing: boolean): Promise<void> {
  for (let i = 0; i < pods.length; i += 200) {
    const args = ['annotate', 'pod', '-n', NS, '--overwrite', ...pods.slice(i, i + 200), failing ? `${READINESS_ANNOTATION}=failing` : `${READINESS_ANNOTATION}-`];
    const res = await kubeResult(args);
    if (res.code !== 0) throw new Error(`kubectl ${args.slice(0, 5).join(' ')} …: ${res.stderr.trim()}`);
  }
}
async function queryValue(expr: string): Promise<number | undefined> {
  const r = await h.prometheus.query(expr, Date.now() / 1000);
  const v = (r.result as Array<{ value: [number, string] }>)[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}
async function notReadyAgents(): Promise<number> {
  return (await queryValue(`count(kube_pod_status_ready{namespace="${NS}", condition="false", pod=~"${AGENT_POD_PATTERN}"} == 1)`)) ?? 0;
}
async function activeAlerts(): Promise<Array<{ name: string; state: string; labels: Record<string, string> }>> {
  return (await h.alerts()).map((a) => ({ name: a.labels.alertname, state: a.state, labels: a.labels }));
}
async function firingAt(alert: string, labels: Record<string, string>, since: number, timeoutMs: number): Promise<number> {
  await eventually(`${alert} firing`, async () => ((await activeAlerts()).some((a) => a.name === alert && a.state === 'firing' && Object.entries(labels).every(([k, v]) => a.labels[k] === v)) ? true : undefined), timeoutMs, 250);
  return (Date.now() - since) / 1000;
}
/** Notifications naming `alert` that a receiver got after `since`. */
function notices(r: RecordingReceiver, alert: string, since: number): Received[] {
  return r.received().filter((m) => m.at >= since && m.body.includes(alert));
}
async function notified(r: RecordingReceiver, alert: string, since: number, status: 'firing' | 'resolved', timeoutMs: number): Promise<Received> {
  const matches = (m: Received) => (r.name === 'pagerduty' ? m.json?.event_action === (status === 'firing' ? 'trigger' : 'resolve') : r.name === 'slack' ? m.body.includes(`[${status.toUpperCase()}]`) : m.json?.status === status);
  return eventually(`${r.name}: ${alert} ${status}`, () => notices(r, alert, since).find(matches), timeoutMs, 250);
}
/** Every healthy again, and the rules agree (no agent alert pending). */
async function allReady(): Promise<void> {
  // Only the pods made to fail (a kubectl annotate of all 928 took minutes on a loaded machine).
  await annotate(await podsOf(`${AGENTS}-.*`, true), false);
  await annotate(await podsOf(`${MANAGER}-.*`, true), false);
  await eventually('every agent Ready (kube-state-metrics)', async () => ((await notReadyAgents()) === 0 ? true : undefined), 120_000, 500);
  await eventually('no alert pending or firing', async () => ((await activeAlerts()).length === 0 ? true : undefined), 120_000, 500);
}

const figures: Record<string, unknown> = {};

/**
 * Prometheus' alert states, polled every 250 ms for the whole suite: when each alert (name and
 * deployment) was first seen firing and when it left the active list, i.e. Prometheus resolved
 * it and, in the same evaluation, sent the resolution to Alertmanager (rules/alerting.go
 * needsSending: `ResolvedAt.After(LastSentAt)`, v2.42.0:rules/alerting.go:94-105).
 */
interface Transition { readonly key: string; readonly state: 'pending' | 'firing' | 'gone'; readonly at: number; /** gone: when it was last seen active. */ readonly lastSeen?: number }
const transitions: Transition[] = [];
let watching = false;
async function watchAlerts(): Promise<void> {
  const last = new Map<string, string>();
  let lastPoll = Date.now();
  while (watching) {
    try {
      const asked = Date.now();
      const now = new Map((await activeAlerts()).map((a) => [`${a.name}${a.labels.deployment ? `/${a.labels.deployment}` : ''}`, a.state]));
      for (const [key, state] of now) if (last.get(key) !== state) transitions.push({ key, state: state as Transition['state'], at: asked });
      for (const key of last.keys()) if (!now.has(key)) transitions.push({ key, state: 'gone', at: Date.now(), lastSeen: lastPoll });
      last.clear();
      for (const [k, v] of now) last.set(k, v);
      lastPoll = asked;
    } catch {
      /* Prometheus busy or stopping */
    }
    await sleep(250);
  }
}
/**
 * When Prometheus resolved `key` after it fired at or after `since`: the resolving evaluation
 * lies after `lastFiring` (the watcher's last sight of it firing) and at or before `gone` (its
 * first sight of it absent).
 */
async function resolution(key: string, since: number): Promise<{ lastFiring: number; gone: number }> {
  const find = () => {
    const fired = transitions.findIndex((t) => t.key === key && t.state === 'firing' && t.at >= since);
    const gone = fired < 0 ? -1 : transitions.findIndex((t, i) => i > fired && t.key === key && t.state === 'gone');
    return gone < 0 ? undefined : { lastFiring: transitions[gone].lastSeen!, gone: transitions[gone].at };
  };
  // allReady saw Prometheus' alert list empty; the watcher polls on its own and may see it a poll later.
  return eventually(`${key} resolved (watcher)`, find, 15_000, 100).catch(() => {
    throw new Error(`${key}: no resolution seen after ${new Date(since).toISOString()}: ${JSON.stringify(transitions.filter((t) => t.key === key))}`);
  });
}
/**
 * Seconds from Prometheus resolving an alert of `priority` to the resolution notice, at most:
 * Prometheus sends a resolution in the evaluation that resolves it (needsSending:
 * `ResolvedAt.After(LastSentAt)`, prometheus v2.42.0 rules/alerting.go:94-105; EndsAt = ResolvedAt,
 * rules/manager.go:1222-1223), and Alertmanager sends what changed in a group at the group's next
 * flush, one group_interval after the previous (alertmanager v0.25.0 dispatch/dispatch.go:450-458),
 * with send_resolved. Plus an evaluation (the watcher sees the resolution up to one late) and 2 s.
 */
function resolutionBoundSeconds(priority: Priority): number {
  return scaled(routeTiming(priority).intervalSeconds) + evalSeconds() + 2;
}
/** The resolution notice of `alert` (Prometheus key `key`, fired after `since`) at `r`, within its bound. */
async function resolutionNotice(r: RecordingReceiver, alert: string, key: string, since: number, priority: Priority): Promise<{ notice: Received; seconds: number; boundSeconds: number }> {
  const { lastFiring, gone } = await resolution(key, since);
  const boundSeconds = resolutionBoundSeconds(priority);
  const notice = await notified(r, alert, lastFiring, 'resolved', Math.max(1000, gone + boundSeconds * 1000 - Date.now()));
  return { notice, seconds: (notice.at - gone) / 1000, boundSeconds };
}

beforeAll(async () => {
  // A rollout an earlier suite left in progress finishes first. Run alone (no Deployment yet),
  // there is none to wait for: the harness applies production below.
  if (kube(['get', 'deployment', AGENTS, '-n', NS, '--ignore-not-found', '-o', 'name']).trim()) {
    await eventually('agent-worker rolled out', () => (rolledOut(deployment(NS, AGENTS)) ? true : undefined), 15 * 60_000, 1000).catch(() => undefined);
  }
  // Production rolled out and past the start budget first, the monitoring after: the initial
  // rollout is no scenario, yet under load agent-worker stays below desired longer than
  // WorkloadReplicasUnavailable's scaled `for` and fires (runs 5 and 6: its resolution reached
  // Slack during "a healthy cluster"), and AgentPoolDegraded can fire too. A group an alert opens
  // in Alertmanager outlives it (Prometheus re-sends a resolved alert for 15 min,
  // rules/alerting.go:318-320), so a later alert of that name joins it and goes out at its next
  // group_interval, not after a new group's group_wait (runs 5 and 6: Degraded 48 s and 21 s).
  applyProduction();
  await eventually(`agent-worker rolled out (${POOL} agents)`, () => (rolledOut(deployment(NS, AGENTS)) && deployment(NS, AGENTS).spec.replicas === POOL ? true : undefined), 15 * 60_000, 1000);
  await drained(NS, AGENTS);
  // Agents count as unhealthy only once older than the start budget (recording rule): wait for it.
  const newest = Math.max(...kubeJson<PodList>(['pods', '-n', NS]).items.map((p) => Date.parse(p.metadata.creationTimestamp)));
  const startBudgetMs = agentPoolTiming(config.agentWorker).podStartSeconds * 1000;
  if (Date.now() - newest < startBudgetMs) await sleep(startBudgetMs - (Date.now() - newest) + 1000);
  h = await startAlertingHarness();
  await eventually('kube-state-metrics scraped: every agent pod Ready', async () => {
    const ready = await queryValue(`count(kube_pod_status_ready{namespace="${NS}", condition="true", pod=~"${AGENT_POD_PATTERN}"} == 1)`);
    return ready === POOL ? true : undefined;
  }, 120_000, 1000);
  await h.prometheus.rulesEvaluated(60_000);
  watching = true;
  watcher = watchAlerts();
  loopDelay.enable();
}, 25 * 60_000);
let watcher: Promise<void> | undefined;
/** How long this process (and with it the receivers) could not answer, at worst: a figure. */
const loopDelay = monitorEventLoopDelay({ resolution: 20 });

afterAll(async () => {
  watching = false;
  await watcher;
  loopDelay.disable();
  report('alerting: figures', { timeScale: h?.scale, ...h?.timings, ...figures, eventLoopDelayMaxSeconds: loopDelay.max / 1e9 });
  const t0 = transitions[0]?.at ?? 0;
  report('alerting: Prometheus alert transitions', { t0: new Date(t0).toISOString(), transitions: transitions.map((t) => `${((t.at - t0) / 1000).toFixed(1)} ${t.key} ${t.state}`) });
  const received = Object.values(h?.receivers ?? {}).flatMap((r) => r.received().map((m) => `${((m.at - t0) / 1000).toFixed(1)} ${r.name} ${m.json?.event_action ?? m.json?.status ?? /\[(FIRING|RESOLVED)\]/.exec(m.body)?.[1] ?? '?'} ${Object.values(ALERTS).find((a) => m.body.includes(a.name))?.name ?? '?'}`));
  report('alerting: notifications received', { received: received.sort((a, b) => parseFloat(a) - parseFloat(b)) });
  try {
    await annotate(await podsOf(`${AGENTS}-.*`, true), false);
    await annotate(await podsOf(`${MANAGER}-.*`, true), false);
  } catch {
    /* the cluster may be gone */
  }
  await h?.stop();
}, 180_000);

describe('prometheus-operator renders our rules and routing', () => {
  it('the rule file it renders is our PrometheusRule\'s groups, unchanged (and alerts/wf-001.yaml says the same)', () => {
    const rendered = parse(h.renderedRules) as { groups: unknown[] };
    expect(rendered.groups).toEqual(ourPrometheusRule().spec.groups);
    const plain = parse(fs.readFileSync(path.join(repoRoot(), 'alerts', 'wf-001.yaml'), 'utf8')) as { groups: unknown[] };
    expect(plain.groups).toEqual(rendered.groups);
  });

  it('the Alertmanager config it renders scopes our routes and inhibitions to the namespace', () => {
    const am = h.renderedAlertmanagerConfig;
    const ours = am.route.routes.find((r: { receiver: string }) => r.receiver.startsWith(`${NS}/`));
    expect(ours.matchers).toContain(`namespace="${NS}"`);
    expect(am.inhibit_rules.length).toBeGreaterThanOrEqual(2);
    for (const rule of am.inhibit_rules) expect(rule.target_matchers).toContain(`namespace="${NS}"`);
    figures.renderedReceivers = am.receivers.map((r: { name: string }) => r.name);
  });
});

describe('scenario 4: alerts on cluster state (kube-state-metrics), scenario 5: their routing', () => {
  const degraded = ALERTS.agentPoolDegraded.name;
  const critical = ALERTS.agentPoolCritical.name;
  const unavailable = ALERTS.replicasUnavailable.name;
  // A failed test must not leave NotReady pods to the next one.
  afterEach(async () => {
    if ((await notReadyAgents()) > 0 || (await activeAlerts()).length > 0) await allReady().catch(() => undefined);
  }, 300_000);

  it('a healthy cluster: nothing pending, nothing firing, nothing notified', async () => {
    const since = Date.now();
    // Longer than the agent alerts' `for` and several evaluations.
    await sleep((scaled(forSeconds(degraded)) + 4 * evalSeconds()) * 1000);
    expect(await activeAlerts()).toEqual([]);
    for (const r of Object.values(h.receivers)) expect(r.received().filter((m) => m.at >= since)).toEqual([]);
    expect(await queryValue(`${RECORDED.unhealthyAgentsRatio}{namespace="${NS}"}`)).toBe(0);
  });

  it(`below ${THRESHOLDS.unhealthyAgentsPercent} % NotReady: no agent-pool alert`, async () => {
    const n = Math.ceil((POOL * config.thresholds.unhealthyAgentsPercent) / 100) - 1;
    const pods = (await podsOf(`${AGENTS}-.*`)).slice(0, n);
    await annotate(pods, true);
    await eventually(`${n} agents NotReady`, async () => ((await notReadyAgents()) === n ? true : undefined), 60_000, 500);
    const ratio = await eventually(`recorded ratio ${n}/${POOL}`, async () => {
      const v = await queryValue(`${RECORDED.unhealthyAgentsRatio}{namespace="${NS}"}`);
      return v !== undefined && Math.abs(v - n / POOL) < 1e-9 ? v : undefined;
    }, 60_000, 500);
    expect(ratio).toBeCloseTo(n / POOL, 9);
    await sleep((scaled(forSeconds(degraded)) + 4 * evalSeconds()) * 1000);
    const active = await activeAlerts();
    expect(active.filter((a) => a.name === degraded || a.name === critical)).toEqual([]);
    // The Deployment has fewer available replicas than desired: that alert is pending (15 min), rightly.
    expect(active.map((a) => `${a.name}/${a.labels.deployment}/${a.state}`)).toEqual([`${unavailable}/${AGENTS}/pending`]);
    figures.belowThreshold = { notReady: n, percent: Number(((100 * n) / POOL).toFixed(2)) };
    await allReady();
  });

  it(`above ${THRESHOLDS.unhealthyAgentsPercent} %: AgentPoolDegraded (P2) fires and reaches Slack, then resolves`, async () => {
    const n = Math.floor((POOL * config.thresholds.unhealthyAgentsPercent) / 100) + 1;
    const start = Date.now();
    await annotate((await podsOf(`${AGENTS}-.*`)).slice(0, n), true);
    const firedSeconds = await firingAt(degraded, { namespace: NS, priority: 'P2' }, start, 120_000);
    const firedAt = Date.now();
    const fromCondition = (firedAt - (await conditionHeldSince(degraded, { namespace: NS }, start, firedAt))) / 1000;
    const slack = await notified(h.receivers.slack, degraded, start, 'firing', 60_000);
    expect(slack.json.channel).toBe(SLACK_CHANNEL);
    expect(slack.json.attachments[0].title).toContain(`P2 ${degraded}`);
    expect((await activeAlerts()).filter((a) => a.state === 'firing').map((a) => a.name)).toEqual([degraded]);
    await allReady();
    const resolved = await resolutionNotice(h.receivers.slack, degraded, degraded, start, 'P2');
    expect(notices(h.receivers.pagerduty, degraded, start)).toEqual([]);
    expect(notices(h.receivers.ticket, degraded, start)).toEqual([]);
    figures.degraded = {
      notReady: n,
      percent: Number(((100 * n) / POOL).toFixed(2)),
      fireSeconds: firedSeconds,
      fireFromConditionSeconds: fromCondition,
      fireBoundSeconds: fireBoundSeconds(degraded),
      notifySeconds: (slack.at - firedAt) / 1000,
      groupWaitSeconds: scaled(routeTiming('P2').waitSeconds),
      resolvedNotifySeconds: resolved.seconds,
      resolvedBoundSeconds: resolved.boundSeconds,
      groupIntervalSeconds: scaled(routeTiming('P2').intervalSeconds),
    };
    expect(fromCondition).toBeGreaterThanOrEqual(scaled(forSeconds(degraded)) - evalSeconds());
    expect(fromCondition).toBeLessThanOrEqual(fireBoundSeconds(degraded));
    expect((slack.at - firedAt) / 1000).toBeLessThanOrEqual(scaled(routeTiming('P2').waitSeconds) + evalSeconds() + 2);
  });

  it('above 10 %: AgentPoolCritical (P1) pages and reaches Slack; AgentPoolDegraded is inhibited; the page resolves', async () => {
    const n = Math.floor((POOL * config.alerting.unhealthyAgentsCriticalPercent) / 100) + 1;
    const start = Date.now();
    await annotate((await podsOf(`${AGENTS}-.*`)).slice(0, n), true);
    const firedSeconds = await firingAt(critical, { namespace: NS, priority: 'P1' }, start, 120_000);
    const firedAt = Date.now();
    const page = await notified(h.receivers.pagerduty, critical, start, 'firing', 60_000);
    expect(page.json).toMatchObject({ routing_key: 'test-routing-key', event_action: 'trigger', payload: { severity: 'critical' } });
    expect(page.json.payload.summary).toContain('P1');
    const slack = await notified(h.receivers.slack, critical, start, 'firing', 60_000);
    expect(slack.json.attachments[0].title).toContain(`P1 ${critical}`);
    // Degraded fires in Prometheus too, but Alertmanager holds it back while Critical fires.
    const active = await activeAlerts();
    expect(active.filter((a) => a.state === 'firing').map((a) => a.name).sort()).toEqual([critical, degraded].sort());
    const inAm = await h.alertmanager.alerts();
    const held = inAm.find((a) => a.labels.alertname === degraded)!;
    expect(held.status.state).toBe('suppressed');
    expect(held.status.inhibitedBy.length).toBe(1);
    // Agents fail one by one, so Degraded (5 %) may fire an evaluation before Critical (10 %) and be
    // notified then. From the moment Critical fires, Alertmanager suppresses it: over the P2
    // route's next group flushes Slack gets no Degraded notification.
    const degradedBefore = notices(h.receivers.slack, degraded, start).filter((m) => m.at < firedAt);
    await sleep((scaled(routeTiming('P2').intervalSeconds) + 2 * evalSeconds()) * 1000);
    expect(notices(h.receivers.slack, degraded, firedAt)).toEqual([]);
    await allReady();
    const resolved = await resolutionNotice(h.receivers.pagerduty, critical, critical, start, 'P1');
    figures.critical = {
      notReady: n,
      percent: Number(((100 * n) / POOL).toFixed(2)),
      fireSeconds: firedSeconds,
      pageSeconds: (page.at - firedAt) / 1000,
      slackSeconds: (slack.at - firedAt) / 1000,
      groupWaitSeconds: { P1: scaled(routeTiming('P1').waitSeconds), P2: scaled(routeTiming('P2').waitSeconds) },
      pageResolvedSeconds: resolved.seconds,
      pageResolvedBoundSeconds: resolved.boundSeconds,
      groupIntervalSeconds: scaled(routeTiming('P1').intervalSeconds),
      degradedNotifiedBeforeCriticalFired: degradedBefore.length,
    };
    expect((page.at - firedAt) / 1000).toBeLessThanOrEqual(scaled(routeTiming('P1').waitSeconds) + evalSeconds() + 2);
  });

  it('an unavailable Deployment (agent-manager NotReady): WorkloadReplicasUnavailable (P2) fires, reaches Slack, resolves', async () => {
    const start = Date.now();
    await annotate(await podsOf(`${MANAGER}-.*`), true);
    const firedSeconds = await firingAt(unavailable, { namespace: NS, deployment: MANAGER, priority: 'P2' }, start, (scaled(forSeconds(unavailable)) + 120) * 1000);
    const firedAt = Date.now();
    const fromCondition = (firedAt - (await conditionHeldSince(unavailable, { namespace: NS, deployment: MANAGER }, start, firedAt))) / 1000;
    const slack = await notified(h.receivers.slack, unavailable, start, 'firing', 60_000);
    expect(slack.json.attachments[0].title).toContain(`P2 ${unavailable}`);
    expect((await activeAlerts()).map((a) => `${a.name}/${a.labels.deployment}/${a.state}`)).toEqual([`${unavailable}/${MANAGER}/firing`]);
    await allReady();
    const resolved = await resolutionNotice(h.receivers.slack, unavailable, `${unavailable}/${MANAGER}`, start, 'P2');
    figures.unavailable = {
      fireSeconds: firedSeconds,
      fireFromConditionSeconds: fromCondition,
      fireBoundSeconds: fireBoundSeconds(unavailable),
      notifySeconds: (slack.at - firedAt) / 1000,
      resolvedNotifySeconds: resolved.seconds,
      resolvedBoundSeconds: resolved.boundSeconds,
    };
    expect(fromCondition).toBeGreaterThanOrEqual(scaled(forSeconds(unavailable)) - evalSeconds());
    expect(fromCondition).toBeLessThanOrEqual(fireBoundSeconds(unavailable));
  });

  it('a P3 alert (no cluster-state alert is P3: posted to Alertmanager as Prometheus would) reaches only the ticket webhook', async () => {
    const start = Date.now();
    const alert = ALERTS.taskLatencyIncreasing.name;
    await h.alertmanager.postAlerts([{ labels: { alertname: alert, namespace: NS, priority: 'P3', severity: ESCALATION.P3.severity } }]);
    const ticket = await notified(h.receivers.ticket, alert, start, 'firing', (scaled(routeTiming('P3').waitSeconds) + 30) * 1000);
    expect(ticket.json.alerts[0].labels).toMatchObject({ alertname: alert, priority: 'P3' });
    expect(notices(h.receivers.slack, alert, start)).toEqual([]);
    expect(notices(h.receivers.pagerduty, alert, start)).toEqual([]);
    figures.p3 = { notifySeconds: (ticket.at - start) / 1000, groupWaitSeconds: scaled(routeTiming('P3').waitSeconds) };
  });

  it('nothing else was notified: each receiver got exactly the alerts of its priority (and the resolutions)', () => {
    const names = (r: RecordingReceiver) => [...new Set(r.received().map((m) => Object.values(ALERTS).find((a) => m.body.includes(a.name))?.name ?? m.body.slice(0, 80)))].sort();
    expect(names(h.receivers.pagerduty)).toEqual([critical]);
    expect(names(h.receivers.slack)).toEqual([critical, degraded, unavailable].sort());
    expect(names(h.receivers.ticket)).toEqual([ALERTS.taskLatencyIncreasing.name]);
  });
});
