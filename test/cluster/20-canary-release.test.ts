/**
 * A real Flagger (v1.44.0) releases the production orchestrator on the live cluster: a healthy
 * release is promoted (scenario 1), and the runbook's manual rollback gate is used and its
 * aftermath checked (scenario 3). Flagger, its loadtester and Prometheus run on loopback inside
 * the suite's network namespace; the application series come from orchestrator-sim.ts. What
 * differs from production is TEST_OVERRIDES (support/canary-live.ts).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canaryTimingOfSpec } from '../support/canary-spec';
import { goToolsBin, repoRoot } from '../../scripts/cluster/tools';
import { CanaryHarness, imageOf, kubeJsonSafe, loadtesterGate, NS, PRIMARY, startCanaryHarness, synthesized, TARGET } from '../support/canary-live';
import { watchCanary } from '../support/canary-watch';
import { cluster, eventually, LIVE } from '../support/live-cluster';
import { HEALTHY } from '../support/orchestrator-sim';
import { report } from '../support/live-report';
import { needsTools } from '../support/suite-tools';

needsTools('flagger');

let h: CanaryHarness;
let release = 0;
const nextImage = (what: string) => `ghcr.io/agentaskit/orchestrator:1.5.${++release}-${what}`;

beforeAll(async () => {
  h = await startCanaryHarness();
}, 10 * 60_000);

afterAll(async () => {
  await h?.stop();
}, 60_000);

/** Runs `npm run --silent wait-canary -- <args>` against the live cluster; resolves with its exit code and output. */
function waitCanary(args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'wait-canary', '--', ...args], {
      cwd: repoRoot(),
      env: { ...process.env, KUBECONFIG: cluster().kubeconfig, KUBECTL_KUBERC: 'false', PATH: `${goToolsBin()}${path.delimiter}${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** The timing of the Canary as applied (scaled): steps before promotion, the pipeline's bound. */
const timing = () => canaryTimingOfSpec(h.canary.spec);
const steps = () => timing().steps;

describe('scenario 1: a healthy orchestrator release', () => {
  it('Flagger promotes it; the primary runs the new image; `npm run wait-canary` reports success', async () => {
    h.sim.set('canary', HEALTHY);
    h.sim.set('primary', HEALTHY);
    const state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wait-canary-')), 'snapshot.json');
    const snap = await waitCanary(['snapshot', '--environment', 'production', '--state', state]);
    expect(snap).toMatchObject({ code: 0 });
    const image = nextImage('good');
    await h.settled();
    const at = h.release(image);
    // The pipeline's bound at the test's timing (the Canary as applied), with room for the slow start of kubectl under load.
    const bound = timing().wait;
    const waiting = waitCanary(['wait', '--environment', 'production', '--state', state, '--timeout', String(bound.timeoutSeconds)]);
    const t = await watchCanary(h, at, { timeoutMs: (bound.timeoutSeconds + 60) * 1000 });
    const waited = await waiting;
    expect(t.verdict).toBe('Succeeded');
    expect(waited.code).toBe(0);
    expect(waited.output).toMatch(/Succeeded/);
    expect(imageOf(PRIMARY)).toBe(image);
    expect(imageOf(TARGET)).toBe(image);
    expect(t.canaryScaledToZero).toBeDefined();
    // Every step of maxWeight / stepWeight was taken, then all traffic went back to the primary.
    expect(t.weights.map(([w]) => w)).toEqual([...Array.from({ length: steps() }, (_, i) => (i + 1) * Number(h.canary.spec.analysis.stepWeight)), 0]);
    // At most one failed check, at the first analysis: one interval after the first traffic the
    // canary's series may have only one scrape in the window, so rate() has no value ("no values
    // found"), a failed check that a healthy release also takes.
    expect(t.failedChecks.length).toBeLessThan(h.timing.threshold);
    if (t.failedChecks.length) expect(h.flagger.log(4000)).toMatch(/no values found for custom metric/);
    const analysis = timing().longestAnalysisSeconds;
    report('canary: healthy release promoted', {
      timeScale: h.scale,
      intervalSeconds: h.timing.intervalSeconds,
      podStartSeconds: LIVE.podStartSeconds,
      secondsToProgressing: t.progressing,
      secondsToFirstTraffic: t.firstTraffic,
      failedChecksAt: t.failedChecks,
      secondsToPromotedTrafficBackOnPrimary: t.trafficBack,
      secondsToSucceeded: t.verdictAt,
      secondsToCanaryScaledToZero: t.canaryScaledToZero,
      weights: t.weights,
      phases: t.phases,
      longestAnalysisSeconds: analysis,
      waitCanaryTimeoutSeconds: bound.timeoutSeconds,
    });
    expect(t.verdictAt!).toBeLessThan(bound.timeoutSeconds);
    fs.rmSync(path.dirname(state), { recursive: true, force: true });
  });

  it('the primary\'s HPA is Flagger\'s copy of ours, and the primary\'s PodDisruptionBudget covers its pods as documented', async () => {
    const ours = synthesized(['HorizontalPodAutoscaler']).find((o) => o.metadata.name === TARGET)!;
    const hpa = kubeJsonSafe(['hpa', PRIMARY, '-n', NS])!;
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: PRIMARY });
    expect(hpa.spec.minReplicas).toBe(ours.spec.minReplicas);
    expect(hpa.spec.maxReplicas).toBe(ours.spec.maxReplicas);
    expect(hpa.spec.metrics).toEqual(ours.spec.metrics);
    expect(hpa.spec.behavior).toEqual(ours.spec.behavior);
    const primary = kubeJsonSafe(['deployment', PRIMARY, '-n', NS])!;
    expect(primary.spec.replicas).toBe(ours.spec.minReplicas);
    const pdbSpec = synthesized(['PodDisruptionBudget']).find((o) => o.metadata.name === PRIMARY)!.spec;
    const pdb = await eventually('PDB orchestrator-primary status', () => {
      const p = kubeJsonSafe(['pdb', PRIMARY, '-n', NS]);
      return p?.status?.expectedPods === primary.spec.replicas && p?.status.currentHealthy === primary.spec.replicas ? p : undefined;
    }, 60_000);
    expect(pdb.spec).toMatchObject(pdbSpec);
    expect(pdb.status.disruptionsAllowed).toBe(pdbSpec.maxUnavailable);
    expect(pdb.status.desiredHealthy).toBe(primary.spec.replicas - pdbSpec.maxUnavailable);
  });
});

describe('scenario 3: the runbook\'s manual rollback gate', () => {
  it('opened during a healthy release, Flagger rolls the release back at its next check', async () => {
    h.sim.set('canary', HEALTHY);
    const before = imageOf(PRIMARY);
    await h.settled();
    const at = h.release(nextImage('manual-rollback'));
    await eventually('first traffic on the canary', async () => ((await h.canaryStatus()).canaryWeight > 0 ? true : undefined), 5 * 60_000);
    const openedAt = Date.now();
    expect(await loadtesterGate(h.loadtesterUrl, 'rollback/open')).toBe(202);
    const t = await watchCanary(h, at, { timeoutMs: 5 * 60_000 });
    expect(t.verdict).toBe('Failed');
    expect(imageOf(PRIMARY)).toBe(before);
    const secondsFromOpenToFailed = (at + t.verdictAt! * 1000 - openedAt) / 1000;
    // Rollback webhooks run at every check: within one interval (plus polling) of the open.
    expect(secondsFromOpenToFailed).toBeLessThanOrEqual(h.timing.intervalSeconds + 2);
    expect(h.flagger.log(400)).toMatch(/manual webhook invoked/);
    report('canary: manual rollback gate', { timeScale: h.scale, intervalSeconds: h.timing.intervalSeconds, secondsFromOpenToFailed, secondsToTrafficBack: t.trafficBack, phases: t.phases });
  });

  it('left open, the next release is rolled back at its first check (the gate is never closed by Flagger)', async () => {
    expect(await loadtesterGate(h.loadtesterUrl, 'rollback/check')).toBe(200); // still open
    const before = imageOf(PRIMARY);
    await h.settled();
    const at = h.release(nextImage('gate-left-open'));
    const t = await watchCanary(h, at, { timeoutMs: 5 * 60_000 });
    expect(t.verdict).toBe('Failed');
    expect(t.firstTraffic).toBeUndefined(); // rolled back before any step
    expect(imageOf(PRIMARY)).toBe(before);
    report('canary: rollback gate left open', { secondsToFailed: t.verdictAt, phases: t.phases });
  });

  it('closed as the runbook says, the release after it is promoted', async () => {
    expect(await loadtesterGate(h.loadtesterUrl, 'rollback/close')).toBe(202);
    expect(await loadtesterGate(h.loadtesterUrl, 'rollback/check')).toBe(403);
    const image = nextImage('after-gate-closed');
    await h.settled();
    const at = h.release(image);
    const t = await watchCanary(h, at, { timeoutMs: 10 * 60_000 });
    expect(t.verdict).toBe('Succeeded');
    expect(imageOf(PRIMARY)).toBe(image);
    report('canary: release after the gate was closed', { secondsToSucceeded: t.verdictAt });
  });
});
