import { PRODUCTION_AGENT_POOL_SIZE, THRESHOLDS } from '../../lib/runbook';
import { EnvironmentConfig } from './types';

/**
 * Defaults every environment starts from: production's shape, at production's scale. Only what
 * production decides: a field the constructs default (orchestrator and agent-manager sizing, the
 * pool's rollout budget, the canary's timing) is left out, so it takes the construct's value.
 */
export const BASE: Omit<EnvironmentConfig, 'environment' | 'namespace'> = {
  apiHost: 'api.agentaskit.io',
  tlsSecretName: 'agentaskit-api-tls',
  grafanaUrl: 'https://grafana.agentaskit.io',
  images: {
    orchestrator: 'ghcr.io/agentaskit/orchestrator:1.4.2',
    agentManager: 'ghcr.io/agentaskit/agent-manager:1.4.2',
    agentWorker: 'ghcr.io/agentaskit/agent-worker:1.4.2',
  },
  agentWorker: { poolSize: PRODUCTION_AGENT_POOL_SIZE, maxReplicas: 1100 },
  zoneSpread: 'required',
  network: {
    ingressClassName: 'nginx',
    ingressControllerNamespace: 'ingress-nginx',
    ingressControllerPodLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    // Only the `kubernetes` Service ClusterIP of the default service CIDR (10.96.0.0/12). Calico
    // matches egress after DNAT, against the API server endpoint IPs on :6443 (Cilium: docs/network.md): every
    // cluster must add those (`kubectl get endpoints kubernetes -n default`) and its own
    // ClusterIP if the service CIDR differs. See EnvironmentConfig.network.apiServerCidrs.
    apiServerCidrs: ['10.96.0.1/32'],
    agentEgressCidrs: [],
  },
  monitoring: {
    namespace: 'monitoring',
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
    selectorLabels: { release: 'kube-prometheus-stack' },
    // Production ships the dashboards for every environment of the shared Grafana.
    dashboards: 'ship',
    // kube-prometheus-stack names it `<release>-prometheus`.
    prometheusService: 'kube-prometheus-stack-prometheus',
  },
  thresholds: {
    errorRatePercent: THRESHOLDS.errorRatePercent,
    latencyP99Milliseconds: THRESHOLDS.latencyP99Milliseconds,
    unhealthyAgentsPercent: THRESHOLDS.unhealthyAgentsPercent,
    phasePendingSeconds: THRESHOLDS.phasePendingSeconds,
  },
  // --- canary ---
  // Production shifts live traffic through ingress-nginx; its timing is CanaryRelease's defaults
  // (canaryTimingSettings in lib/delivery/canary-timing.ts, with their worst-case rollback).
  canary: {
    provider: 'nginx',
    // As the flagger/loadtester Helm chart installs it with release name flagger-loadtester.
    loadTester: { namespace: 'flagger', serviceName: 'flagger-loadtester', podLabels: { app: 'loadtester' } },
  },
  // Alerting (lib/observability).
  alerting: {
    runbookUrl: 'https://github.com/agentaskit/agentaskit-deploy/blob/main/docs/runbooks/WF-001.md',
    sloAvailabilityPercent: 99.9,
    unhealthyAgentsCriticalPercent: 2 * THRESHOLDS.unhealthyAgentsPercent,
  },
};
