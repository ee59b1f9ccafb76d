/**
 * What each field of the environment config accepts, leaf by leaf (the rule kinds are check.ts's):
 * a bad value's error names the field and its fix. Relations between fields are cross-field.ts's.
 */
import { ROLLOUT_WEBHOOKS_SECONDS } from '../../lib/delivery/canary-release';
import { CANARY_PROVIDERS } from '../../lib/delivery/canary-timing';
import { DNS_LABEL } from '../../lib/workloads/names';
import { MAX_AGENT_POOL_PODS, MAX_AGENT_POOL_REASON } from '../../lib/workloads/rollout';
import { THRESHOLDS } from '../../lib/runbook';
import { Rule } from './check';
import { ENVIRONMENTS } from './types';

const HOST = { kind: 'string', pattern: /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, example: 'api.agentaskit.io' } as const;
const NAME = { kind: 'string', pattern: DNS_LABEL, example: 'monitoring' } as const;
const resources = { cpuMillis: { kind: 'integer', min: 1 }, memoryMebibytes: { kind: 'integer', min: 16 } } as const;
const threshold = (runbook: number, unit: string): Rule => ({ kind: 'number', above: 0, max: runbook, unit: `${unit} (the runbook's value; stricter is allowed, looser is not)` });

export const SCHEMA: Rule = {
  kind: 'object',
  fields: {
    environment: { kind: 'enum', values: ENVIRONMENTS },
    namespace: NAME,
    apiHost: HOST,
    tlsSecretName: NAME,
    grafanaUrl: { kind: 'string', pattern: /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w./-]*)?[^/]$/, example: 'https://grafana.agentaskit.io' },
    images: {
      kind: 'object',
      fields: {
        orchestrator: { kind: 'image', example: 'ghcr.io/agentaskit/orchestrator:1.4.2' },
        agentManager: { kind: 'image', example: 'ghcr.io/agentaskit/agent-manager:1.4.2' },
        agentWorker: { kind: 'image', example: 'ghcr.io/agentaskit/agent-worker:1.4.2' },
      },
    },
    orchestrator: { kind: 'object', fields: { ...resources, minReplicas: { kind: 'integer', min: 1 }, maxReplicas: { kind: 'integer', min: 1 } } },
    agentManager: { kind: 'object', fields: { ...resources, replicas: { kind: 'integer', min: 1 } } },
    agentWorker: {
      kind: 'object',
      fields: {
        ...resources,
        poolSize: { kind: 'integer', min: 1, max: MAX_AGENT_POOL_PODS, why: MAX_AGENT_POOL_REASON },
        maxReplicas: { kind: 'integer', min: 1, max: MAX_AGENT_POOL_PODS, why: MAX_AGENT_POOL_REASON },
        maxTaskSeconds: { kind: 'integer', min: 1, max: 3600 },
        maxSurgePercent: { kind: 'integer', min: 0, max: 100 },
        maxUnavailablePercent: { kind: 'integer', min: 0, max: 100 },
        podStartSeconds: { kind: 'integer', min: 1, max: 600 },
      },
    },
    zoneSpread: { kind: 'enum', values: ['required', 'preferred'] },
    network: {
      kind: 'object',
      fields: {
        ingressClassName: NAME,
        ingressControllerNamespace: NAME,
        ingressControllerPodLabels: { kind: 'labels' },
        apiServerCidrs: { kind: 'cidrs', allowEmpty: false },
        agentEgressCidrs: { kind: 'cidrs', allowEmpty: true },
      },
    },
    monitoring: {
      kind: 'object',
      fields: { namespace: NAME, prometheusPodLabels: { kind: 'labels' }, selectorLabels: { kind: 'labels' }, dashboards: { kind: 'enum', values: ['ship', 'linked'] }, prometheusService: NAME },
    },
    thresholds: {
      kind: 'object',
      fields: {
        errorRatePercent: threshold(THRESHOLDS.errorRatePercent, '%'),
        latencyP99Milliseconds: threshold(THRESHOLDS.latencyP99Milliseconds, 'ms'),
        unhealthyAgentsPercent: threshold(THRESHOLDS.unhealthyAgentsPercent, '%'),
        phasePendingSeconds: threshold(THRESHOLDS.phasePendingSeconds, 's'),
      },
    },
    // --- canary ---
    canary: {
      kind: 'object',
      fields: {
        provider: { kind: 'enum', values: CANARY_PROVIDERS },
        intervalSeconds: { kind: 'integer', min: ROLLOUT_WEBHOOKS_SECONDS + 1, max: THRESHOLDS.rollbackSeconds },
        threshold: { kind: 'integer', min: 1, max: 100 },
        metricWindowSeconds: { kind: 'integer', min: 30, max: THRESHOLDS.rollbackSeconds },
        progressDeadlineSeconds: { kind: 'integer', min: 30, max: THRESHOLDS.rollbackSeconds },
        maxWeight: { kind: 'integer', min: 1, max: 100 },
        stepWeight: { kind: 'integer', min: 1, max: 100 },
        iterations: { kind: 'integer', min: 1, max: 100 },
        loadTester: { kind: 'object', fields: { namespace: NAME, serviceName: NAME, podLabels: { kind: 'labels' } } },
      },
    },
    // Alerting (lib/observability): runbook links, SLO, paging level of a degraded agent pool.
    alerting: {
      kind: 'object',
      fields: {
        runbookUrl: { kind: 'string', pattern: /^https:\/\/[a-z0-9.-]+(:\d+)?\/[\w./-]*\.md$/, example: 'https://github.com/agentaskit/agentaskit-deploy/blob/main/docs/runbooks/WF-001.md' },
        sloAvailabilityPercent: { kind: 'number', above: 90, max: 99.999, unit: '% (an error budget below 0.001% cannot be measured at our traffic)' },
        unhealthyAgentsCriticalPercent: { kind: 'number', above: 0, max: 100, unit: '%' },
      },
    },
  },
};
