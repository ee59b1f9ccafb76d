/**
 * The one typed configuration of an environment. Environments (stacks/environments/) are thin
 * overrides of {@link BASE}; everything is validated here before any object is synthesized.
 * The config speaks in operational terms (pool size, hosts, thresholds), never Kubernetes fields.
 */
import { ROLLOUT_WEBHOOKS_SECONDS } from '../../lib/delivery/canary-release';
import { CANARY_PROVIDERS, CanaryProvider, stepWeightProblem } from '../../lib/delivery/canary-timing';
import { metricWindowProblem } from '../../lib/delivery/metric-templates';
import { criticalAgentsLevelProblem } from '../../lib/observability/rules/alert-rules';
import { rollbackBudgetProblem } from '../../lib/delivery/rollback-budget';
import { SCRAPE_INTERVAL_SECONDS } from '../../lib/metrics-contract';
import { AGENT_MIN_READY_SECONDS } from '../../lib/workloads/agent-worker-pool';
import { DNS_LABEL } from '../../lib/workloads/names';
import { MAX_AGENT_POOL_PODS, MAX_AGENT_POOL_REASON, rollingUpdateProblem, rolloutDeadlineProblem } from '../../lib/workloads/rollout';
import { isPlainObject } from '../../lib/manifest';
import { namespaceFor, PRODUCTION_AGENT_POOL_SIZE, THRESHOLDS } from '../../lib/runbook';
import { check, Problem, Rule, unknownKeys } from './check';

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

/** Defaults every environment starts from: production's shape, at production's scale. */
export const BASE: Omit<EnvironmentConfig, 'environment' | 'namespace'> = {
  apiHost: 'api.agentaskit.io',
  tlsSecretName: 'agentaskit-api-tls',
  grafanaUrl: 'https://grafana.agentaskit.io',
  images: {
    orchestrator: 'ghcr.io/agentaskit/orchestrator:1.4.2',
    agentManager: 'ghcr.io/agentaskit/agent-manager:1.4.2',
    agentWorker: 'ghcr.io/agentaskit/agent-worker:1.4.2',
  },
  orchestrator: { minReplicas: 3, maxReplicas: 10, cpuMillis: 500, memoryMebibytes: 512 },
  agentManager: { replicas: 2, cpuMillis: 250, memoryMebibytes: 256 },
  agentWorker: {
    poolSize: PRODUCTION_AGENT_POOL_SIZE,
    maxReplicas: 1100,
    cpuMillis: 250,
    memoryMebibytes: 512,
    maxTaskSeconds: 600,
    maxSurgePercent: 25,
    maxUnavailablePercent: 10,
    podStartSeconds: 60,
  },
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
  // Production shifts live traffic through ingress-nginx. The metric window holds 4 scrapes
  // (4 × 30 s). Worst-case rollback (docs/canary.md):
  // max((⌊60 s / 30 s⌋ + 4 + 3) × 30 s, 120 s window + (4 + 1) × 30 s, (⌊180 s / 30 s⌋ + 2) × 30 s) = max(270, 270, 240) = 270 s,
  // under the runbook's 300 s (measured against a real Flagger: test/cluster/21-canary-rollback.test.ts).
  canary: {
    provider: 'nginx',
    intervalSeconds: 30,
    threshold: 4,
    metricWindowSeconds: 120,
    progressDeadlineSeconds: 180,
    maxWeight: 50,
    stepWeight: 10,
    iterations: 10,
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

/** Raised for invalid configuration; its message lists every problem with its fix. */
export class ConfigError extends Error {
  constructor(
    public readonly environment: string,
    public readonly problems: readonly Problem[],
  ) {
    super(
      `Invalid configuration for environment "${environment}":\n` +
        problems.map((p) => `  - ${p.path} = ${JSON.stringify(p.value)}: ${p.fix}.`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Overrides win; lists replace (never concatenate) so an environment states its whole list. */
function merge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge((base as Record<string, unknown>)[key], value);
  return out as T;
}

/** Relations between fields that single-field rules cannot express. */
function crossFieldProblems(config: EnvironmentConfig): Problem[] {
  const problems: Problem[] = [];
  const atLeast = (path: string, value: number, minPath: string, min: number) => {
    if (value < min) problems.push({ path, value, fix: `use at least ${minPath} (${min})` });
  };
  atLeast('orchestrator.maxReplicas', config.orchestrator.maxReplicas, 'orchestrator.minReplicas', config.orchestrator.minReplicas);
  atLeast('agentWorker.maxReplicas', config.agentWorker.maxReplicas, 'agentWorker.poolSize', config.agentWorker.poolSize);
  const stuck = rollingUpdateProblem(config.agentWorker.maxSurgePercent, config.agentWorker.maxUnavailablePercent);
  if (stuck) problems.push({ path: 'agentWorker.maxSurgePercent', value: config.agentWorker.maxSurgePercent, fix: stuck });
  // The pool's rollout must fit the runbook's rollback target; checked here so the message names
  // the config's fields (AgentWorkerPool checks the same, in its own prop names).
  const worker = config.agentWorker;
  const tooSlow = rolloutDeadlineProblem(
    { replicas: worker.maxReplicas, maxSurgePercent: worker.maxSurgePercent, maxUnavailablePercent: worker.maxUnavailablePercent, podStartSeconds: worker.podStartSeconds, minReadySeconds: AGENT_MIN_READY_SECONDS },
    THRESHOLDS.rollbackSeconds,
    { maxSurgePercent: 'agentWorker.maxSurgePercent', maxUnavailablePercent: 'agentWorker.maxUnavailablePercent', podStartSeconds: 'agentWorker.podStartSeconds' },
  );
  if (tooSlow) {
    problems.push({ path: 'agentWorker', value: { maxReplicas: worker.maxReplicas, maxSurgePercent: worker.maxSurgePercent, maxUnavailablePercent: worker.maxUnavailablePercent, podStartSeconds: worker.podStartSeconds }, fix: `the pool's rollout at agentWorker.maxReplicas: ${tooSlow}` });
  }
  const step = stepWeightProblem(config.canary.stepWeight, config.canary.maxWeight, 'canary.maxWeight');
  if (step) problems.push({ path: 'canary.stepWeight', value: config.canary.stepWeight, fix: step });
  const window = metricWindowProblem(config.canary.metricWindowSeconds, SCRAPE_INTERVAL_SECONDS);
  if (window) problems.push({ path: 'canary.metricWindowSeconds', value: config.canary.metricWindowSeconds, fix: window });
  const rollback = rollbackBudgetProblem(config.canary);
  if (rollback) {
    const { intervalSeconds, threshold, metricWindowSeconds, progressDeadlineSeconds } = config.canary;
    problems.push({ path: 'canary', value: { intervalSeconds, threshold, metricWindowSeconds, progressDeadlineSeconds }, fix: rollback });
  }
  if (config.environment === 'production' && config.agentWorker.poolSize !== PRODUCTION_AGENT_POOL_SIZE) {
    problems.push({ path: 'agentWorker.poolSize', value: config.agentWorker.poolSize, fix: `production runs the runbook's ${PRODUCTION_AGENT_POOL_SIZE}-agent pool; change the runbook first` });
  }
  const critical = criticalAgentsLevelProblem(config.alerting.unhealthyAgentsCriticalPercent, config.thresholds.unhealthyAgentsPercent);
  if (critical) problems.push({ path: 'alerting.unhealthyAgentsCriticalPercent', value: config.alerting.unhealthyAgentsCriticalPercent, fix: critical });
  return problems;
}

/** Builds and validates the config of `environment` from {@link BASE} and its overrides. */
export function resolveEnvironment(environment: string, ...overrides: readonly unknown[]): EnvironmentConfig {
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new ConfigError(environment, [{ path: 'environment', value: environment, fix: `use one of ${ENVIRONMENTS.join(', ')}` }]);
  }
  const unknown = overrides.flatMap((o) => [
    ...unknownKeys(SCHEMA, o, '').map((p) => ({ ...p, path: p.path.slice(1) })),
    ...(['environment', 'namespace'] as const)
      .filter((k) => isPlainObject(o) && k in o)
      .map((k) => ({ path: k, value: (o as Record<string, unknown>)[k], fix: `remove it: the ${k} is fixed by the environment's name` })),
  ]);
  if (unknown.length > 0) throw new ConfigError(environment, unknown);
  const config = overrides.reduce<unknown>(
    (acc, o) => merge(acc, o),
    { environment, namespace: namespaceFor(environment), ...BASE },
  ) as EnvironmentConfig;
  const problems = check(SCHEMA, config, '').map((p) => ({ ...p, path: p.path.replace(/^\./, '') }));
  if (problems.length === 0) problems.push(...crossFieldProblems(config));
  if (problems.length > 0) throw new ConfigError(environment, problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Port of the Prometheus Service (kube-prometheus-stack's `prometheus.service.port`). */
export const PROMETHEUS_PORT = 9090;

/** In-cluster URL of the environment's Prometheus, derived from `monitoring` (the canary gates query it). */
export function prometheusUrl(monitoring: EnvironmentConfig['monitoring']): string {
  return `http://${monitoring.prometheusService}.${monitoring.namespace}:${PROMETHEUS_PORT}`;
}
