/**
 * The metrics contract: every metric the orchestrator, agent-manager and agent workers must
 * expose on their `metrics` port, plus the kube-state-metrics and Flagger series the rules use.
 *
 * Alert rules, recording rules, dashboards and canary metric templates name metrics only through
 * this module (it sits at the top of lib/, below both lib/observability and lib/delivery) (a test parses every PromQL expression we ship and fails on any other name).
 * docs/metrics-contract.md, generated from it by `npm run alerts`, documents it for application teams.
 *
 * Prometheus attaches `namespace`, `pod`, `job` and COMPONENT_LABEL to scraped series (PodMonitor
 * target labels); the labels listed here are the ones the application itself sets.
 */

import { PHASE_COUNT } from './runbook';

/**
 * Target label every scraped series carries: the pod's `app.kubernetes.io/name` (the component,
 * identical for a Flagger primary and canary), set by the PodMonitors' relabelling.
 */
export const COMPONENT_LABEL = 'component';

/**
 * Seconds between scrapes of our pods (the PodMonitors' interval). Windowed queries over their
 * series (the canary gates' metric window) must hold several scrapes; see metricWindowProblem in
 * lib/delivery/metric-templates.ts. Part of the contract, beside the series, so the PodMonitors
 * (lib/observability) and the canary gates (lib/delivery) read it without importing each other.
 */
export const SCRAPE_INTERVAL_SECONDS = 30;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Who exposes a metric. */
export type MetricSource = 'orchestrator' | 'agent-manager' | 'agent-worker' | 'kube-state-metrics' | 'flagger';

export interface MetricDefinition {
  /** Name as exposed (counters end in `_total`; histograms are the base name of `_bucket`, `_sum`, `_count`). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Labels set by the exporter, with their allowed values where the contract fixes them. */
  readonly labels: Readonly<Record<string, readonly string[] | 'any'>>;
  readonly source: MetricSource;
  /** Histogram bucket upper bounds in seconds. */
  readonly buckets?: readonly number[];
}

/** Workflow phase states, as in the runbook's health output (`phases.active/pending/completed`). */
export const PHASE_STATES = ['active', 'pending', 'completed'] as const;
/** Agent health states, as in the runbook's health output (`agents.healthy/degraded/unhealthy`). */
export const AGENT_STATES = ['healthy', 'degraded', 'unhealthy'] as const;
/** Phases 1..7 as label values. */
export const PHASES: readonly string[] = Array.from({ length: PHASE_COUNT }, (_, i) => String(i + 1));

/**
 * Latency buckets: dense around the runbook's 200 ms threshold, with a bucket boundary exactly
 * at 0.2 s, so `histogram_quantile(0.99, …)` is exact at the threshold instead of interpolated.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.19, 0.2, 0.21, 0.25, 0.3, 0.5, 1, 2.5, 5];

/** Agent task buckets: tasks take seconds to minutes (up to the 600 s task limit). */
export const TASK_BUCKETS_SECONDS: readonly number[] = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export const METRICS = {
  httpRequests: {
    name: 'agentaskit_http_requests_total',
    type: 'counter',
    help:
      'HTTP requests served, by route template, method and status code. Initialize code="500" of every route and method at 0 at start: ' +
      'a series that first appears at a non-zero value loses those increments in rate(), and the canary\'s error-rate gate passes a release that fails from its first request once.',
    labels: { route: 'any', method: 'any', code: 'any' },
    source: 'orchestrator',
  },
  httpRequestDuration: {
    name: 'agentaskit_http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request latency in seconds, by route template and method.',
    labels: { route: 'any', method: 'any' },
    source: 'orchestrator',
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  workflowPhases: {
    name: 'agentaskit_workflow_phases',
    type: 'gauge',
    help: 'Workflow phases by state (the health endpoint\'s phases.active/pending/completed).',
    labels: { state: PHASE_STATES },
    source: 'orchestrator',
  },
  oldestPendingPhase: {
    name: 'agentaskit_workflow_oldest_pending_phase_seconds',
    type: 'gauge',
    help: 'Age in seconds of the oldest phase waiting in pending, by phase number (0 when none is pending).',
    labels: { phase: PHASES },
    source: 'orchestrator',
  },
  phaseTransitions: {
    name: 'agentaskit_workflow_phase_transitions_total',
    type: 'counter',
    help: 'Phase state transitions, by phase number and the state entered.',
    labels: { phase: PHASES, state: PHASE_STATES },
    source: 'orchestrator',
  },
  taskQueueDepth: {
    name: 'agentaskit_task_queue_depth',
    type: 'gauge',
    help: 'Tasks waiting for an agent.',
    labels: {},
    source: 'orchestrator',
  },
  workflowHealth: {
    name: 'agentaskit_workflow_health',
    type: 'gauge',
    help: 'Workflow controller health: 1 while it reports healthy (the workflows health endpoint answers "status": "healthy"), 0 otherwise.',
    labels: {},
    source: 'orchestrator',
  },
  agents: {
    name: 'agentaskit_agents',
    type: 'gauge',
    help: 'Registered agents by health state (the agents health endpoint\'s healthy/degraded/unhealthy).',
    labels: { state: AGENT_STATES },
    source: 'agent-manager',
  },
  taskDuration: {
    name: 'agentaskit_task_duration_seconds',
    type: 'histogram',
    help: 'Agent task execution time in seconds, by outcome.',
    labels: { outcome: ['success', 'failure'] },
    source: 'agent-worker',
    buckets: TASK_BUCKETS_SECONDS,
  },
  deploymentReplicasAvailable: {
    name: 'kube_deployment_status_replicas_available',
    type: 'gauge',
    help: 'kube-state-metrics: available replicas of a Deployment.',
    labels: { deployment: 'any' },
    source: 'kube-state-metrics',
  },
  deploymentReplicasDesired: {
    name: 'kube_deployment_spec_replicas',
    type: 'gauge',
    help: 'kube-state-metrics: desired replicas of a Deployment.',
    labels: { deployment: 'any' },
    source: 'kube-state-metrics',
  },
  podReady: {
    name: 'kube_pod_status_ready',
    type: 'gauge',
    help: 'kube-state-metrics: 1 for the pod\'s Ready condition status (`condition` true, false or unknown), 0 for the other two.',
    labels: { pod: 'any', condition: ['true', 'false', 'unknown'] },
    source: 'kube-state-metrics',
  },
  podCreated: {
    name: 'kube_pod_created',
    type: 'gauge',
    help: 'kube-state-metrics: unix time the pod was created.',
    labels: { pod: 'any' },
    source: 'kube-state-metrics',
  },
  canaryStatus: {
    name: 'flagger_canary_status',
    type: 'gauge',
    help: 'Flagger: last known canary status (0 running, 1 successful, 2 failed).',
    labels: { name: 'any' },
    source: 'flagger',
  },
  canaryWeight: {
    name: 'flagger_canary_weight',
    type: 'gauge',
    help: 'Flagger: traffic weight of a workload (canary and primary).',
    labels: { workload: 'any' },
    source: 'flagger',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** Flagger's `flagger_canary_status` values. */
export const CANARY_STATUS = { running: 0, successful: 1, failed: 2 } as const;
