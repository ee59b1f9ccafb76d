/**
 * Each field of the environment config, declared once: what it means (its doc comment, which the
 * derived type EnvironmentConfig carries to every reader) and what it accepts (its rule, whose
 * kinds are check.ts's), so a bad value's error names the field and its fix. Relations between
 * fields are cross-field.ts's; production's values are BASE's (base.ts). The component and canary
 * sections name their fields as their constructs' props do, so WorkflowChart passes them as they
 * are (test/stacks/config-flow.test.ts keeps every field reaching the manifest).
 */
import { ROLLOUT_WEBHOOKS_SECONDS } from '../../lib/delivery/canary-release';
import { CANARY_PROVIDERS } from '../../lib/delivery/canary-timing';
import { DNS_LABEL } from '../../lib/workloads/names';
import { MAX_AGENT_POOL_PODS, MAX_AGENT_POOL_REASON } from '../../lib/workloads/rollout';
import { THRESHOLDS } from '../../lib/runbook';
import { optional, Rule } from './check';

export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

const HOST = { kind: 'string', pattern: /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, example: 'api.agentaskit.io' } as const;
const NAME = { kind: 'string', pattern: DNS_LABEL, example: 'monitoring' } as const;
const resources = {
  /** CPU request, millicores. @default - the component's (lib/workloads) */
  cpuMillis: optional({ kind: 'integer', min: 1 }),
  /** Memory request and limit, MiB. @default - the component's (lib/workloads) */
  memoryMebibytes: optional({ kind: 'integer', min: 16 }),
} as const;
const threshold = (runbook: number, unit: string) => ({ kind: 'number', above: 0, max: runbook, unit: `${unit} (the runbook's value; stricter is allowed, looser is not)` }) as const;

// `as const`, checked against Rule: the literal kinds and enum values are what the type is derived from.
export const SCHEMA = {
  kind: 'object',
  fields: {
    environment: { kind: 'enum', values: ENVIRONMENTS },
    /** `agentaskit-<environment>`; derived, not configurable (the runbook's commands name it). */
    namespace: NAME,
    /** Public API host (`https://<apiHost>/api/v1/...`). */
    apiHost: HOST,
    /** Secret holding the API host's TLS certificate. */
    tlsSecretName: NAME,
    /** Grafana base URL; dashboards live at `<grafanaUrl>/d/<uid>`. */
    grafanaUrl: { kind: 'string', pattern: /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w./-]*)?[^/]$/, example: 'https://grafana.agentaskit.io' },
    /** Images, pinned by tag or digest. */
    images: {
      kind: 'object',
      fields: {
        orchestrator: { kind: 'image', example: 'ghcr.io/agentaskit/orchestrator:1.4.2' },
        agentManager: { kind: 'image', example: 'ghcr.io/agentaskit/agent-manager:1.4.2' },
        agentWorker: { kind: 'image', example: 'ghcr.io/agentaskit/agent-worker:1.4.2' },
      },
    },
    /** @default - Orchestrator's, each field left out (lib/workloads/orchestrator.ts) */
    orchestrator: optional({ kind: 'object', fields: { ...resources, minReplicas: optional({ kind: 'integer', min: 1 }), maxReplicas: optional({ kind: 'integer', min: 1 }) } }),
    /** @default - AgentManager's, each field left out (lib/workloads/agent-manager.ts) */
    agentManager: optional({ kind: 'object', fields: { ...resources, replicas: optional({ kind: 'integer', min: 1 }) } }),
    agentWorker: {
      kind: 'object',
      fields: {
        ...resources,
        /** Agents always running (HPA minimum). */
        poolSize: { kind: 'integer', min: 1, max: MAX_AGENT_POOL_PODS, why: MAX_AGENT_POOL_REASON },
        maxReplicas: { kind: 'integer', min: 1, max: MAX_AGENT_POOL_PODS, why: MAX_AGENT_POOL_REASON },
        /** Longest agent task; sizes the graceful drain. @default - AgentWorkerPool's */
        maxTaskSeconds: optional({ kind: 'integer', min: 1, max: 3600 }),
        /** @default - AgentWorkerPool's */
        maxSurgePercent: optional({ kind: 'integer', min: 0, max: 100 }),
        /** @default - AgentWorkerPool's */
        maxUnavailablePercent: optional({ kind: 'integer', min: 0, max: 100 }),
        /** Seconds an agent takes to become Ready; sizes the rollout arithmetic. @default - AgentWorkerPool's */
        podStartSeconds: optional({ kind: 'integer', min: 1, max: 600 }),
      },
    },
    /** `required`: pods never share a zone unevenly; `preferred` for clusters without zone labels. */
    zoneSpread: { kind: 'enum', values: ['required', 'preferred'] },
    network: {
      kind: 'object',
      fields: {
        ingressClassName: NAME,
        ingressControllerNamespace: NAME,
        ingressControllerPodLabels: { kind: 'labels' },
        /**
         * Where the agent-manager reaches the Kubernetes API (egress on 443 and 6443). List both the
         * `kubernetes` Service ClusterIP (`kubectl get service kubernetes -n default`) and the API
         * server endpoint IPs (`kubectl get endpoints kubernetes -n default`), each as a /32: CNIs
         * that evaluate egress policy after kube-proxy's DNAT (Calico) see the endpoint IP on
         * :6443, not the ClusterIP. Endpoint IPs change when control-plane nodes are replaced.
         * Deploy pipelines set it per cluster with the Pulumi stack key `apiServerCidrs`.
         */
        apiServerCidrs: { kind: 'cidrs', allowEmpty: false },
        agentEgressCidrs: { kind: 'cidrs', allowEmpty: true },
      },
    },
    monitoring: {
      kind: 'object',
      fields: {
        namespace: NAME,
        prometheusPodLabels: { kind: 'labels' },
        /** Labels a Prometheus selects rules and monitors by (kube-prometheus-stack: `release: <name>`). */
        selectorLabels: { kind: 'labels' },
        /**
         * `ship`: this environment's chart carries the Grafana dashboard ConfigMaps; `linked`: it only
         * links to them (`<grafanaUrl>/d/<uid>?var-namespace=<namespace>`). Environments sharing one
         * Grafana must have exactly one `ship`: the dashboards' uids are fixed, so copies from several
         * namespaces would overwrite each other through the sidecar (docs/dashboards.md).
         */
        dashboards: { kind: 'enum', values: ['ship', 'linked'] },
        /** Service of that Prometheus in `namespace`, on PROMETHEUS_PORT; the canary gates query it (prometheusUrl). */
        prometheusService: NAME,
      },
    },
    /** Alert and canary thresholds; may be stricter than the runbook's, never looser. */
    thresholds: {
      kind: 'object',
      fields: {
        errorRatePercent: threshold(THRESHOLDS.errorRatePercent, '%'),
        latencyP99Milliseconds: threshold(THRESHOLDS.latencyP99Milliseconds, 'ms'),
        unhealthyAgentsPercent: threshold(THRESHOLDS.unhealthyAgentsPercent, '%'),
        phasePendingSeconds: threshold(THRESHOLDS.phasePendingSeconds, 's'),
      },
    },
    // --- canary (progressive delivery of the orchestrator; docs/canary.md) ---
    /** Flagger canary `agentaskit-canary` of the orchestrator; its gates use `thresholds`. */
    canary: {
      kind: 'object',
      fields: {
        /** `kubernetes`: blue/green, needs no mesh or ingress controller; `nginx`: shifts live traffic through the orchestrator Ingress. */
        provider: { kind: 'enum', values: CANARY_PROVIDERS },
        // Each timing setting left out is CanaryRelease's default (canaryTimingSettings, lib/delivery/canary-timing.ts).
        /** Seconds between analysis checks. */
        intervalSeconds: optional({ kind: 'integer', min: ROLLOUT_WEBHOOKS_SECONDS + 1, max: THRESHOLDS.rollbackSeconds }),
        /** Failed checks before rollback. */
        threshold: optional({ kind: 'integer', min: 1, max: 100 }),
        /** Query window of the metric gates, seconds: at least 4 scrape intervals (SCRAPE_INTERVAL_SECONDS, 30 s). */
        metricWindowSeconds: optional({ kind: 'integer', min: 30, max: THRESHOLDS.rollbackSeconds }),
        /** Seconds the canary may stay not Ready before rollback. */
        progressDeadlineSeconds: optional({ kind: 'integer', min: 30, max: THRESHOLDS.rollbackSeconds }),
        /** `nginx`: highest share of live traffic on the canary, and the step per check (%). */
        maxWeight: optional({ kind: 'integer', min: 1, max: 100 }),
        stepWeight: optional({ kind: 'integer', min: 1, max: 100 }),
        /** `kubernetes`: successful checks before promotion. */
        iterations: optional({ kind: 'integer', min: 1, max: 100 }),
        /** flagger-loadtester: its Service (`http://<serviceName>.<namespace>/`) and pod labels. */
        loadTester: { kind: 'object', fields: { namespace: NAME, serviceName: NAME, podLabels: { kind: 'labels' } } },
      },
    },
    /** Alert rules, SLO and escalation (lib/observability): runbook links, SLO, paging level of a degraded agent pool. */
    alerting: {
      kind: 'object',
      fields: {
        /** Published runbook WF-001 (docs/runbooks/WF-001.md); alerts link `<runbookUrl>#<section>`. */
        runbookUrl: { kind: 'string', pattern: /^https:\/\/[a-z0-9.-]+(:\d+)?\/[\w./-]*\.md$/, example: 'https://github.com/agentaskit/agentaskit-deploy/blob/main/docs/runbooks/WF-001.md' },
        /** Availability objective of the orchestrator API, percent of non-5xx requests over 30 days. */
        sloAvailabilityPercent: { kind: 'number', above: 90, max: 99.999, unit: '% (an error budget below 0.001% cannot be measured at our traffic)' },
        /** Unhealthy agents that page (P1); above thresholds.unhealthyAgentsPercent, which is P2. */
        unhealthyAgentsCriticalPercent: { kind: 'number', above: 0, max: 100, unit: '%' },
      },
    },
  },
} as const satisfies Rule;
