/**
 * Bad orchestrator releases against a real Flagger (v1.44.0) on the live cluster (scenario 2):
 * error rate above the 1 % gate, p99 above the 200 ms gate, the health gate failing, canary pods
 * never Ready. Each must be rolled back; the time from the release to the rollback and to all
 * traffic back on the primary is measured against lib/delivery/rollback-budget.ts (the bound
 * docs/canary.md and the runbook state) and the runbook's 5 minutes. Flagger's own Slack alerts
 * (AlertProvider) must reach the Slack stand-in on every rollback (scenario 6).
 *
 * Time scale: Flagger's timings are production's divided by AGENTASKIT_CANARY_TIME_SCALE
 * (default 3); pods start in LIVE.podStartSeconds. The bound is computed for the timing Flagger
 * actually runs with, and reported beside production's.
 */
import { rollbackBound, runMilestones } from '../../lib/delivery/rollback-budget';
import { SLACK_CHANNEL, THRESHOLDS } from '../../lib/runbook';
import { CANARY_STATUS, METRICS } from '../../lib/metrics-contract';
import { CanaryHarness, imageOf, NS, PRIMARY, startCanaryHarness, TARGET } from '../support/canary-live';
import { sleep } from '../support/programs';
import { CanaryTimeline, watchCanary } from '../support/canary-watch';
import { eventually, LIVE } from '../support/live-cluster';
import { Behaviour, HEALTHY } from '../support/orchestrator-sim';
import { report } from '../support/live-report';
import { needsTools } from '../support/suite-tools';

needsTools('flagger');

let h: CanaryHarness;
let n = 0;
/** What observing a status change costs: the watch polls every 0.5 s, one kubectl call ~0.5 s under load. */
const OBSERVATION_SLACK_SECONDS = 2;

beforeAll(async () => {
  h = await startCanaryHarness();
}, 10 * 60_000);

afterAll(async () => {
  await h?.stop();
}, 60_000);

interface Case {
  readonly name: string;
  readonly canary?: Behaviour;
  readonly image?: string;
  /** Which bound applies (rollback-budget.ts runMilestones). */
  readonly bound: 'metricGateRollbackSeconds' | 'preRolloutRollbackSeconds' | 'notReadyRollbackSeconds';
  /** The Flagger event / Slack text that names the cause. */
  readonly cause: RegExp;
}

const CASES: readonly Case[] = [
  { name: 'error rate above the 1 % gate', canary: { ...HEALTHY, errorRatio: (5 * THRESHOLDS.errorRatePercent) / 100 }, bound: 'metricGateRollbackSeconds', cause: /error-rate-percent/ },
  { name: 'p99 above the 200 ms gate', canary: { ...HEALTHY, latencySeconds: (1.5 * THRESHOLDS.latencyP99Milliseconds) / 1000 }, bound: 'metricGateRollbackSeconds', cause: /latency-p99-ms/ },
  { name: 'the health gate failing', canary: { ...HEALTHY, healthy: false }, bound: 'preRolloutRollbackSeconds', cause: /acceptance-test/ },
  { name: 'canary pods never Ready', image: LIVE.neverReadyOrchestratorImage, bound: 'notReadyRollbackSeconds', cause: /not ready: waiting for rollout to finish[\s\S]*Canary failed! Scaling down/ },
];

const results: Array<{ name: string; t: CanaryTimeline; boundSeconds: number }> = [];

describe.each(CASES)('scenario 2: $name', (c) => {
  it('is rolled back within the bound; all traffic is back on the primary, which keeps the previous image', async () => {
    h.sim.set('canary', c.canary ?? HEALTHY);
    h.sim.set('primary', HEALTHY);
    const before = imageOf(PRIMARY);
    const slackBefore = h.slack.received().length;
    const timing = { ...h.timing, podStartSeconds: LIVE.podStartSeconds };
    const milestones = runMilestones(timing);
    const boundSeconds = milestones[c.bound];
    await h.settled();
    const at = h.release(c.image ?? `ghcr.io/agentaskit/orchestrator:1.6.${++n}-bad`);
    const t = await watchCanary(h, at, { timeoutMs: (boundSeconds + 120) * 1000 });
    results.push({ name: c.name, t, boundSeconds });
    expect(t.verdict).toBe('Failed');
    expect(imageOf(PRIMARY)).toBe(before);
    expect(t.verdictAt!).toBeLessThanOrEqual(boundSeconds + OBSERVATION_SLACK_SECONDS);
    // Not much earlier either: the arithmetic counts the ticks Flagger really takes.
    expect(t.verdictAt!).toBeGreaterThan(boundSeconds - 2 * h.timing.intervalSeconds - OBSERVATION_SLACK_SECONDS);
    // Traffic is routed back in the rollback tick, before the status says Failed.
    if (t.firstTraffic !== undefined) expect(t.trafficBack!).toBeLessThanOrEqual(t.verdictAt! + OBSERVATION_SLACK_SECONDS);
    if (c.bound === 'metricGateRollbackSeconds') expect(t.failedChecks.map(([k]) => k)).toEqual(Array.from({ length: h.timing.threshold }, (_, i) => i + 1));
    if (c.bound !== 'metricGateRollbackSeconds') expect(t.firstTraffic).toBeUndefined();

    // What OrchestratorCanaryFailed (P2, routed to Slack by Alertmanager) reads: Flagger's own
    // status metric, scraped from Flagger with its labels, says failed.
    const status = await eventually('flagger_canary_status = failed in Prometheus', async () => {
      const r = await h.prometheus.query(`${METRICS.canaryStatus.name}{namespace="${NS}", name="${TARGET}"}`, Date.now() / 1000);
      const v = (r.result as Array<{ value: [number, string] }>)[0]?.value[1];
      return Number(v) === CANARY_STATUS.failed ? Number(v) : undefined;
    }, 60_000);
    expect(status).toBe(CANARY_STATUS.failed);

    // Scenario 6: Flagger's AlertProvider posts the rollback to Slack (#orchestration-alerts).
    // Not for a canary that never becomes Ready: that rollback comes from the readiness check
    // (scheduler.go:354-361), and rollback() alerts only when failed checks reached the threshold
    // (scheduler.go:950-955); only the Warning event and OrchestratorCanaryFailed report it.
    const rollbackAlerts = () => h.slack.received().slice(slackBefore).filter((r) => /Failed checks threshold reached \d+|Progress deadline exceeded/.test(r.body));
    const causeText = () => `${h.flagger.log(4000)}\n${h.slack.received().slice(slackBefore).map((r) => r.body).join('\n')}`;
    const prod = runMilestones(h.production);
    const figures = {
      timeScale: h.scale,
      intervalSeconds: h.timing.intervalSeconds,
      podStartSeconds: LIVE.podStartSeconds,
      secondsToProgressing: t.progressing,
      secondsToFirstTraffic: t.firstTraffic ?? null,
      failedChecksAt: t.failedChecks,
      secondsToFailed: t.verdictAt,
      secondsToTrafficBackOnPrimary: t.trafficBack ?? t.verdictAt,
      secondsToCanaryScaledToZero: t.canaryScaledToZero,
      boundSeconds,
      productionBoundSeconds: prod[c.bound],
      productionWorstCaseSeconds: rollbackBound(h.production).worstCaseSeconds,
      runbookSeconds: THRESHOLDS.rollbackSeconds,
    };
    if (c.bound === 'notReadyRollbackSeconds') {
      await sleep(10_000);
      expect(rollbackAlerts()).toEqual([]);
      expect(h.flagger.log(4000)).toMatch(c.cause);
      report(`canary rollback: ${c.name}`, { ...figures, flaggerSlackMessage: null });
      return;
    }
    const posted = await eventually('Flagger\'s rollback message on the Slack stand-in', () => (rollbackAlerts().length > 0 ? rollbackAlerts() : undefined), 30_000);
    const msg = posted[0].json;
    expect(causeText()).toMatch(c.cause);
    expect(msg.channel).toBe(SLACK_CHANNEL);
    expect(msg.attachments[0].color).toBe('danger');
    expect(msg.username).toBe('flagger');
    report(`canary rollback: ${c.name}`, {
      ...figures,
      slackMessageSecondsAfterFailed: Number(((posted[0].at - at) / 1000 - t.verdictAt!).toFixed(1)),
      slackText: String(msg.attachments[0].text).slice(0, 120),
    });
  });
});
