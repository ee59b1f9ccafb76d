/**
 * "Orchestrator Health" (`/d/orchestrator`): is the 7-phase controller serving, fast enough,
 * within its error budget, fully replicated, and where is its canary release?
 * The rollback thresholds the runbook states (error rate, latency p99) are drawn on their panels.
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { replicasShownOn } from '../alerts';
import { CANARY_STATUS, METRICS } from '../../metrics-contract';
import { API_RATE_WINDOW, RECORDED } from '../rules/recording-rules';
import { CANARY_NAME, COMPONENTS } from '../../runbook';
import { appLabelValues } from '../../workloads/labels';
import { BaseDashboardOptions, buildDashboard, componentSelector, rate, replicasPanel, selector, statPanel, timeseriesPanel } from './shared';

/** Options of {@link orchestratorDashboard}. */
export interface OrchestratorDashboardOptions extends BaseDashboardOptions {
  readonly thresholds: {
    /** Error rate (5xx share of requests) that triggers rollback, percent. */
    readonly errorRatePercent: number;
    /** Latency p99 that triggers rollback, milliseconds. */
    readonly latencyP99Milliseconds: number;
  };
}

const ORCHESTRATOR = COMPONENTS.orchestrator.name;
/** The canary (`orchestrator`) and primary (`orchestrator-primary`) Deployments Flagger manages. */
const WORKLOADS = appLabelValues(ORCHESTRATOR, { progressiveDelivery: true });

/** Colours by Flagger status, so a failed canary is red at a glance. */
const CANARY_STATUS_TEXT = {
  [CANARY_STATUS.running]: { text: 'running', color: 'blue' },
  [CANARY_STATUS.successful]: { text: 'successful', color: 'green' },
  [CANARY_STATUS.failed]: { text: 'failed', color: 'red' },
};

export function orchestratorDashboard(options: OrchestratorDashboardOptions): Dashboard {
  const requests = componentSelector(METRICS.httpRequests.name, ORCHESTRATOR);
  return buildDashboard({
    key: 'orchestrator',
    description: 'Runbook WF-001: orchestrator request rate, error rate, latency p99, replicas and canary release.',
    namespace: options.namespace,
    namespaceMetric: METRICS.httpRequests.name,
    panels: [
      timeseriesPanel({
        title: 'Request rate',
        description: 'Requests per second the orchestrator serves, by status code.',
        queries: [{ expr: `sum by (code) (${rate(requests)})`, legend: '{{code}}' }],
        unit: 'reqps',
        width: 8,
      }),
      timeseriesPanel({
        title: 'Error rate',
        description:
          `Share of requests answered with a 5xx over ${API_RATE_WINDOW}, the recorded ratio the error-rate alert fires on. ` +
          'Above the red line (the rollback threshold) a canary rolls back and the alert fires. ' +
          '0 when there are requests but no errors; no data only when there is no traffic.',
        queries: [{ expr: `100 * ${componentSelector(RECORDED.apiErrorRatio(API_RATE_WINDOW), ORCHESTRATOR)}`, legend: '5xx %' }],
        unit: 'percent',
        threshold: options.thresholds.errorRatePercent,
        width: 8,
      }),
      timeseriesPanel({
        title: 'Latency p99',
        description:
          `99th percentile request latency across all pods over ${API_RATE_WINDOW}, the recorded value the latency alert fires on. ` +
          'Above the red line (the rollback threshold) a canary rolls back.',
        queries: [{ expr: `1000 * ${componentSelector(RECORDED.apiLatencyP99, ORCHESTRATOR)}`, legend: 'p99' }],
        unit: 'ms',
        threshold: options.thresholds.latencyP99Milliseconds,
        width: 8,
      }),
      replicasPanel('Orchestrator replicas', replicasShownOn('orchestrator'), 8),
      timeseriesPanel({
        title: 'Canary weight',
        description: `Traffic share (%) Flagger routes to each orchestrator workload during a release of ${CANARY_NAME}; the primary serves the rest.`,
        queries: [{ expr: `max by (workload) (${selector(METRICS.canaryWeight.name, { workload: WORKLOADS })})`, legend: '{{workload}}' }],
        unit: 'percent',
        width: 8,
      }),
      statPanel({
        title: 'Canary status',
        description: `Last status of canary ${CANARY_NAME}. Failed: verify the rollback completed (\`kubectl get canary ${CANARY_NAME}\`), then follow the runbook's "Canary Failure".`,
        // Flagger labels the status with the target Deployment's name, not the Canary's (recorder.go SetStatus).
        queries: [{ expr: `max(${selector(METRICS.canaryStatus.name, { name: ORCHESTRATOR })})`, legend: CANARY_NAME }],
        valueText: CANARY_STATUS_TEXT,
        width: 8,
      }),
    ],
  });
}
