/**
 * Follows one canary run on the live cluster: polls the Canary's status and the canary Ingress
 * Flagger writes, and records when each thing first happened (seconds after the release).
 */
import { sleep } from '../../scripts/cluster/processes';
import { CanaryHarness, ingressCanaryWeight, NS, TARGET } from './canary-live';
import { kubeJsonAsync } from './live-cluster';

export interface CanaryTimeline {
  /** Seconds after the release (the `kubectl set image`). */
  readonly progressing?: number;
  /** First live traffic on the canary: the canary Ingress' weight above 0. */
  readonly firstTraffic?: number;
  /** Each increment of status.failedChecks: [count, seconds]. */
  readonly failedChecks: Array<[number, number]>;
  /** Each new canary weight: [weight, seconds]. */
  readonly weights: Array<[number, number]>;
  /** Failed, Succeeded (or whatever ended the wait). */
  readonly verdict?: string;
  readonly verdictAt?: number;
  /** All traffic on the primary again after the canary had some: Ingress weight back at 0. */
  readonly trafficBack?: number;
  /** Deployment `orchestrator` (the canary) back at 0 replicas. */
  readonly canaryScaledToZero?: number;
  readonly phases: Array<[string, number]>;
  readonly lastStatus: Record<string, unknown>;
}

export async function watchCanary(h: CanaryHarness, releasedAt: number, opts: { timeoutMs: number; verdicts?: readonly string[] }): Promise<CanaryTimeline> {
  const verdicts = opts.verdicts ?? ['Failed', 'Succeeded'];
  const since = () => Number(((Date.now() - releasedAt) / 1000).toFixed(1));
  const t: {
    progressing?: number; firstTraffic?: number; verdict?: string; verdictAt?: number; trafficBack?: number; canaryScaledToZero?: number;
    failedChecks: Array<[number, number]>; weights: Array<[number, number]>; phases: Array<[string, number]>; lastStatus: Record<string, unknown>;
  } = { failedChecks: [], weights: [], phases: [], lastStatus: {} };
  let lastFailed = 0;
  let lastWeight = 0;
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const status = await h.canaryStatus();
    const at = since();
    t.lastStatus = status;
    const phase = String(status.phase ?? '');
    if (t.phases.at(-1)?.[0] !== phase) t.phases.push([phase, at]);
    if (phase === 'Progressing' && t.progressing === undefined) t.progressing = at;
    // Counted from this run's start (Progressing resets failedChecks; before it the Canary still shows the previous run's).
    const failed = t.progressing === undefined ? 0 : Number(status.failedChecks ?? 0);
    if (failed > lastFailed) t.failedChecks.push([failed, at]);
    lastFailed = failed;
    const weight = (await ingressCanaryWeight()) ?? 0;
    if (weight !== lastWeight) t.weights.push([weight, at]);
    if (weight > 0 && t.firstTraffic === undefined) t.firstTraffic = at;
    if (weight === 0 && t.firstTraffic !== undefined && t.trafficBack === undefined) t.trafficBack = at;
    lastWeight = weight;
    if (t.progressing !== undefined && verdicts.includes(phase) && t.verdict === undefined) {
      t.verdict = phase;
      t.verdictAt = at;
    }
    if (t.verdict !== undefined) {
      const replicas = Number((await kubeJsonAsync<Record<string, any>>(['deployment', TARGET, '-n', NS]))?.spec?.replicas ?? -1); // eslint-disable-line @typescript-eslint/no-explicit-any
      if (replicas === 0) {
        t.canaryScaledToZero = at;
        return t;
      }
    }
    if (Date.now() > deadline) return t;
    await sleep(500);
  }
}
