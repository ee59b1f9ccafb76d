/**
 * The simulated orchestrator's application side, for the live canary suites: the cluster's
 * orchestrator pods are kwok pods with no process behind them, so this loopback server plays
 * their metrics endpoint and the two endpoints the canary's health-check webhooks call.
 *
 * - `/metrics`: the contract's series the gates read (lib/metrics-contract.ts:
 *   agentaskit_http_requests_total, agentaskit_http_request_duration_seconds, agentaskit_workflow_health)
 *   for every scheduled orchestrator pod of the namespace the test names (canary `orchestrator-…`
 *   and primary `orchestrator-primary-…`), labelled `namespace` and `pod` as our PodMonitors would
 *   label them (Prometheus scrapes it with honor_labels). As a real process does, a pod exports its
 *   series from its start, initialized at 0 (the contract asks for code="500" too), and gets
 *   traffic only while Ready; counters then grow with wall time at the behaviour's request rate,
 *   so `rate()` over the gate's window sees exactly that behaviour.
 * - `/readyz` and `/api/v1/health/workflows`: the canary Service's answers (the health-check and
 *   acceptance-test webhooks curl them), following the canary's behaviour.
 * - `/load-test`: the stand-in for the load-test webhook's `hey` (records that it was called).
 *
 * Behaviour is set per scenario (`set()`), separately for canary and primary pods.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { COMPONENT_LABEL, LATENCY_BUCKETS_SECONDS, METRICS } from '../../lib/metrics-contract';
import { API_PATHS, COMPONENTS } from '../../lib/runbook';
import { PROBE_PATHS } from '../../lib/workloads/pod-defaults';
import { primaryNameOf } from '../../lib/workloads/labels';

export interface Behaviour {
  /** Requests per second per pod. */
  readonly rps: number;
  /** Share of requests answered 5xx (0..1). */
  readonly errorRatio: number;
  /** Every request's latency, seconds. */
  readonly latencySeconds: number;
  /** agentaskit_workflow_health and the health endpoints' answer. */
  readonly healthy: boolean;
}

export const HEALTHY: Behaviour = { rps: 20, errorRatio: 0, latencySeconds: 0.05, healthy: true };

interface PodCounters {
  last: number;
  ok: number;
  errors: number;
  buckets: number[];
  sum: number;
}

export interface OrchestratorSim {
  readonly url: string;
  readonly port: number;
  set(role: 'canary' | 'primary', behaviour: Behaviour): void;
  behaviour(role: 'canary' | 'primary'): Behaviour;
  /** Times the load-test stand-in was called. */
  loadTestCalls(): number;
  /** Health endpoint calls (the webhooks), with their answer. */
  healthCalls(): Array<{ at: number; path: string; status: number }>;
  stop(): Promise<void>;
}

/**
 * @param pods the orchestrator pods scheduled now and whether each is Ready; called at every scrape.
 */
export async function startOrchestratorSim(namespace: string, pods: () => Promise<Array<{ name: string; ready: boolean }>>): Promise<OrchestratorSim> {
  const target = COMPONENTS.orchestrator.name;
  const primaryPrefix = `${primaryNameOf(target)}-`;
  const roles = { canary: HEALTHY, primary: HEALTHY } as Record<'canary' | 'primary', Behaviour>;
  const roleOf = (pod: string): 'canary' | 'primary' => (pod.startsWith(primaryPrefix) ? 'primary' : 'canary');
  const counters = new Map<string, PodCounters>();
  let loadTests = 0;
  const healthLog: Array<{ at: number; path: string; status: number }> = [];

  const ready = new Set<string>();
  const advance = (pod: string, now: number): PodCounters => {
    let c = counters.get(pod);
    if (!c) {
      c = { last: now, ok: 0, errors: 0, buckets: LATENCY_BUCKETS_SECONDS.map(() => 0), sum: 0 };
      counters.set(pod, c);
      return c;
    }
    const b = roles[roleOf(pod)];
    const n = ready.has(pod) ? b.rps * ((now - c.last) / 1000) : 0;
    c.last = now;
    c.errors += n * b.errorRatio;
    c.ok += n * (1 - b.errorRatio);
    LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
      if (b.latencySeconds <= le) c!.buckets[i] += n;
    });
    c.sum += n * b.latencySeconds;
    return c;
  };

  const exposition = async (): Promise<string> => {
    const now = Date.now();
    const listed = (await pods()).filter((p) => p.name.startsWith(`${target}-`));
    const names = listed.map((p) => p.name);
    const lines: string[] = [
      `# TYPE ${METRICS.httpRequests.name} counter`,
      `# TYPE ${METRICS.httpRequestDuration.name} histogram`,
      `# TYPE ${METRICS.workflowHealth.name} gauge`,
    ];
    const route = API_PATHS.workflows;
    for (const { name: pod, ready: isReady } of listed) {
      const c = advance(pod, now); // up to now at the readiness seen last time
      if (isReady) ready.add(pod);
      else ready.delete(pod);
      const b = roles[roleOf(pod)];
      const l = `namespace="${namespace}",pod="${pod}",${COMPONENT_LABEL}="${target}",route="${route}",method="GET"`;
      lines.push(`${METRICS.httpRequests.name}{${l},code="200"} ${c.ok}`);
      // The 5xx series is exported from the start, at 0, as the metrics contract requires
      // (METRICS.httpRequests): a series that first appears at a non-zero value loses those
      // increments in rate(), and the error-rate gate passes a failing canary once.
      lines.push(`${METRICS.httpRequests.name}{${l},code="500"} ${c.errors}`);
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => lines.push(`${METRICS.httpRequestDuration.name}_bucket{${l},le="${le}"} ${c.buckets[i]}`));
      const total = c.ok + c.errors;
      lines.push(`${METRICS.httpRequestDuration.name}_bucket{${l},le="+Inf"} ${total}`);
      lines.push(`${METRICS.httpRequestDuration.name}_sum{${l}} ${c.sum}`);
      lines.push(`${METRICS.httpRequestDuration.name}_count{${l}} ${total}`);
      lines.push(`${METRICS.workflowHealth.name}{namespace="${namespace}",pod="${pod}",${COMPONENT_LABEL}="${target}"} ${b.healthy ? 1 : 0}`);
    }
    for (const pod of [...counters.keys()]) if (!names.includes(pod)) (counters.delete(pod), ready.delete(pod));
    return lines.join('\n') + '\n';
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/metrics') {
      exposition().then((t) => send(200, t, 'text/plain; version=0.0.4'), (e) => send(500, String(e)));
      return;
    }
    if (url.pathname === '/load-test') {
      loadTests++;
      send(200, 'ok');
      return;
    }
    const healthy = roles.canary.healthy;
    if (url.pathname === PROBE_PATHS.readiness || url.pathname === API_PATHS.workflowsHealth) {
      const status = healthy ? 200 : 503;
      healthLog.push({ at: Date.now(), path: url.pathname, status });
      const body = url.pathname === API_PATHS.workflowsHealth ? JSON.stringify({ status: healthy ? 'healthy' : 'unhealthy' }) : healthy ? 'ok' : 'not ready';
      send(status, body, 'application/json');
      return;
    }
    send(404, 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    set: (role, b) => {
      // Bring every pod's counters up to now under the old behaviour first.
      const now = Date.now();
      for (const pod of counters.keys()) if (roleOf(pod) === role) advance(pod, now);
      roles[role] = b;
    },
    behaviour: (role) => roles[role],
    loadTestCalls: () => loadTests,
    healthCalls: () => [...healthLog],
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
