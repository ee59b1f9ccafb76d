/**
 * The one typed configuration of an environment. Environments (stacks/environments/) are thin
 * overrides of BASE (base.ts); resolve.ts validates the result against SCHEMA (schema.ts) and the
 * cross-field checks before any object is synthesized.
 * The config speaks in operational terms (pool size, hosts, thresholds), never Kubernetes fields.
 */
import { CanaryProvider } from '../../lib/delivery/canary-timing';

export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

interface Resources {
  /** CPU request, millicores. */
  readonly cpuMillis: number;
  /** Memory request and limit, MiB. */
  readonly memoryMebibytes: number;
}

export interface EnvironmentConfig {
  readonly environment: EnvironmentName;
  /** `agentaskit-<environment>`; derived, not configurable (the runbook's commands name it). */
  readonly namespace: string;
  /** Public API host (`https://<apiHost>/api/v1/...`). */
  readonly apiHost: string;
  /** Secret holding the API host's TLS certificate. */
  readonly tlsSecretName: string;
  /** Grafana base URL; dashboards live at `<grafanaUrl>/d/<uid>`. */
  readonly grafanaUrl: string;
  /** Images, pinned by tag or digest. */
  readonly images: { readonly orchestrator: string; readonly agentManager: string; readonly agentWorker: string };
  readonly orchestrator: Resources & { readonly minReplicas: number; readonly maxReplicas: number };
  readonly agentManager: Resources & { readonly replicas: number };
  readonly agentWorker: Resources & {
    /** Agents always running (HPA minimum). */
    readonly poolSize: number;
    readonly maxReplicas: number;
    /** Longest agent task; sizes the graceful drain. */
    readonly maxTaskSeconds: number;
    readonly maxSurgePercent: number;
    readonly maxUnavailablePercent: number;
    /** Seconds an agent takes to become Ready; sizes the rollout arithmetic. */
    readonly podStartSeconds: number;
  };
  /** `required`: pods never share a zone unevenly; `preferred` for clusters without zone labels. */
  readonly zoneSpread: 'required' | 'preferred';
  readonly network: {
    readonly ingressClassName: string;
    readonly ingressControllerNamespace: string;
    readonly ingressControllerPodLabels: Readonly<Record<string, string>>;
    /**
     * Where the agent-manager reaches the Kubernetes API (egress on 443 and 6443). List both the
     * `kubernetes` Service ClusterIP (`kubectl get service kubernetes -n default`) and the API
     * server endpoint IPs (`kubectl get endpoints kubernetes -n default`), each as a /32: CNIs
     * that evaluate egress policy after kube-proxy's DNAT (Calico) see the endpoint IP on
     * :6443, not the ClusterIP. Endpoint IPs change when control-plane nodes are replaced.
     * Deploy pipelines set it per cluster with the Pulumi stack key `apiServerCidrs`.
     */
    readonly apiServerCidrs: readonly string[];
    readonly agentEgressCidrs: readonly string[];
  };
  readonly monitoring: {
    readonly namespace: string;
    readonly prometheusPodLabels: Readonly<Record<string, string>>;
    /** Labels a Prometheus selects rules and monitors by (kube-prometheus-stack: `release: <name>`). */
    readonly selectorLabels: Readonly<Record<string, string>>;
    /**
     * `ship`: this environment's chart carries the Grafana dashboard ConfigMaps; `linked`: it only
     * links to them (`<grafanaUrl>/d/<uid>?var-namespace=<namespace>`). Environments sharing one
     * Grafana must have exactly one `ship`: the dashboards' uids are fixed, so copies from several
     * namespaces would overwrite each other through the sidecar (docs/dashboards.md).
     */
    readonly dashboards: 'ship' | 'linked';
    /** Service of that Prometheus in `namespace`, on PROMETHEUS_PORT; the canary gates query it (prometheusUrl). */
    readonly prometheusService: string;
  };
  /** Alert and canary thresholds; may be stricter than the runbook's, never looser. */
  readonly thresholds: {
    readonly errorRatePercent: number;
    readonly latencyP99Milliseconds: number;
    readonly unhealthyAgentsPercent: number;
    readonly phasePendingSeconds: number;
  };
  // --- canary (progressive delivery of the orchestrator; docs/canary.md) ---
  /** Flagger canary `agentaskit-canary` of the orchestrator; its gates use `thresholds`. */
  readonly canary: {
    /** `kubernetes`: blue/green, needs no mesh or ingress controller; `nginx`: shifts live traffic through the orchestrator Ingress. */
    readonly provider: CanaryProvider;
    /** Seconds between analysis checks. */
    readonly intervalSeconds: number;
    /** Failed checks before rollback. */
    readonly threshold: number;
    /** Query window of the metric gates, seconds: at least 4 scrape intervals (SCRAPE_INTERVAL_SECONDS, 30 s). */
    readonly metricWindowSeconds: number;
    /** Seconds the canary may stay not Ready before rollback. */
    readonly progressDeadlineSeconds: number;
    /** `nginx`: highest share of live traffic on the canary, and the step per check (%). */
    readonly maxWeight: number;
    readonly stepWeight: number;
    /** `kubernetes`: successful checks before promotion. */
    readonly iterations: number;
    /** flagger-loadtester: its Service (`http://<serviceName>.<namespace>/`) and pod labels. */
    readonly loadTester: { readonly namespace: string; readonly serviceName: string; readonly podLabels: Readonly<Record<string, string>> };
  };
  /** Alert rules, SLO and escalation (lib/observability). */
  readonly alerting: {
    /** Published runbook WF-001 (docs/runbooks/WF-001.md); alerts link `<runbookUrl>#<section>`. */
    readonly runbookUrl: string;
    /** Availability objective of the orchestrator API, percent of non-5xx requests over 30 days. */
    readonly sloAvailabilityPercent: number;
    /** Unhealthy agents that page (P1); above thresholds.unhealthyAgentsPercent, which is P2. */
    readonly unhealthyAgentsCriticalPercent: number;
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What an environment file may set: anything of the config except its identity. */
export type EnvironmentOverrides = DeepPartial<Omit<EnvironmentConfig, 'environment' | 'namespace'>>;
