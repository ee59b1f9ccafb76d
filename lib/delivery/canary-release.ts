import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AlertProvider,
  AlertProviderSpecType,
  Canary,
  CanarySpecAnalysis,
  CanarySpecAnalysisAlertsSeverity,
  CanarySpecAnalysisWebhooks,
  CanarySpecAnalysisWebhooksType,
  CanarySpecAutoscalerRefKind,
  CanarySpecIngressRefKind,
  CanarySpecProvider,
  CanarySpecTargetRefKind,
  MetricTemplate,
  MetricTemplateSpecProviderType,
} from '../../imports/flagger.app';
import { API_PATHS, APP_LABEL, CANARY_NAME, SLACK_CHANNEL, SLACK_RECEIVER_NAME, THRESHOLDS } from '../runbook';
import { invalidProp } from '../invalid';
import { SECRETS, SecretReference } from '../secrets';
import { componentLabels, partOfLabels, primaryNameOf } from '../workloads/labels';
import { PORTS, PROBE_PATHS } from '../workloads/pod-defaults';
import { SCRAPE_INTERVAL_SECONDS } from '../metrics-contract';
import { canaryGates, CanaryGate, metricWindowProblem } from './metric-templates';
import { CANARY_PROVIDERS, canaryTiming, canaryTimingSettings, CanaryProvider, CanaryTiming, CanaryTimingSettings, stepWeightProblem } from './canary-timing';
import { flaggerDuration, rollbackBound, rollbackBudgetProblem } from './rollback-budget';

/** Props of {@link CanaryRelease}. */
export interface CanaryReleaseProps {
  /** @default CANARY_NAME (`agentaskit-canary`, the name the runbook's commands use) */
  readonly name?: string;
  /** The Deployment Flagger releases; it must carry no `spec.replicas` when an autoscaler owns the count. */
  readonly targetDeployment: kplus.Deployment;
  /** The target's HPA (autoscaling/v2); Flagger clones it as `<target>-primary`. */
  readonly autoscaler: kplus.HorizontalPodAutoscaler;
  readonly provider: CanaryProvider;
  /** The Ingress routing to Service `<target>`; required by (and only used with) the `nginx` provider. @default - none */
  readonly ingress?: kplus.Ingress;
  /** Port of the Services Flagger generates; the container port named `http` serves it. @default PORTS.http */
  readonly servicePort?: number;
  /** Seconds between analysis checks. @default 30 */
  readonly intervalSeconds?: number;
  /** Failed checks before rollback (at least 1). @default 4 */
  readonly threshold?: number;
  /**
   * Query window of the metric gates (`{{ interval }}` in the templates), seconds; at least
   * MIN_SCRAPES_PER_WINDOW scrape intervals. @default 4 × scrapeIntervalSeconds
   */
  readonly metricWindowSeconds?: number;
  /** Scrape interval of the target's pods (its PodMonitor). @default SCRAPE_INTERVAL_SECONDS */
  readonly scrapeIntervalSeconds?: number;
  /** Seconds the canary may take to become (or stay not) Ready before Flagger rolls back. @default 180 */
  readonly progressDeadlineSeconds?: number;
  /** `nginx`: highest share of live traffic (%) sent to the canary. @default 50 */
  readonly maxWeight?: number;
  /** `nginx`: traffic share (%) added per successful check. @default 10 */
  readonly stepWeight?: number;
  /** `kubernetes`: successful checks before promotion. @default 10 */
  readonly iterations?: number;
  /** Highest accepted 5xx rate of the canary, percent; never looser than the runbook's. @default THRESHOLDS.errorRatePercent */
  readonly errorRatePercent?: number;
  /** Highest accepted p99 latency of the canary, ms; never looser than the runbook's. @default THRESHOLDS.latencyP99Milliseconds */
  readonly latencyP99Milliseconds?: number;
  /** Prometheus URL Flagger queries for the gates, e.g. `http://prometheus.monitoring:9090`. */
  readonly metricsServer: string;
  /** flagger-loadtester base URL, e.g. `http://flagger-loadtester.flagger/`. */
  readonly loadTesterUrl: string;
  /** Requests per second the load test sends to the canary (hey `-q` × `-c`). @default 20 */
  readonly loadTestRequestsPerSecond?: number;
  /** Secret holding the Slack webhook URL under key `address` (the key Flagger reads). @default SECRETS.slackWebhook */
  readonly slackWebhookSecret?: SecretReference;
  /** @default SLACK_CHANNEL (`#orchestration-alerts`) */
  readonly slackChannel?: string;
  /** PodDisruptionBudget of the primary pods (Flagger creates none). @default 1 */
  readonly primaryMaxUnavailable?: number;
}

/** Webhook timeouts, seconds. Flagger runs the rollout webhooks within one interval. */
const HEALTH_CHECK_TIMEOUT_SECONDS = 10;
const LOAD_TEST_TIMEOUT_SECONDS = 5;
const ACCEPTANCE_TEST_TIMEOUT_SECONDS = 30;
/** The analysis interval must be longer than this: the rollout webhooks' timeouts added up. */
export const ROLLOUT_WEBHOOKS_SECONDS = HEALTH_CHECK_TIMEOUT_SECONDS + LOAD_TEST_TIMEOUT_SECONDS;

/**
 * A Flagger canary release of one Deployment: the Canary, the MetricTemplates of its gates
 * (error rate and p99 latency on the metrics contract), the Slack AlertProvider and a
 * PodDisruptionBudget for the primary. The loadtester's access to the canary pods is a flow of
 * WorkflowNetworkPolicies (lib/workloads/network-policies.ts), like every other allow rule.
 *
 * The health check is the runbook's own: the loadtester calls `/readyz` and
 * `/api/v1/health/workflows` on Service `<target>-canary` before any traffic is routed
 * (pre-rollout) and at every check (rollout); a failure is a failed check, like a breached gate.
 * Flagger additionally rolls back canary pods that are not Ready within the progress deadline.
 *
 * What Flagger creates at runtime from this (not in our manifests): Deployment and HPA
 * `<target>-primary` (live traffic), Services `<target>` (apex, selecting the primary),
 * `<target>-primary` and `<target>-canary`, and with `nginx` the Ingress `<target>-canary`.
 */
export class CanaryRelease extends Construct {
  public readonly canary: Canary;
  public readonly metricTemplates: readonly MetricTemplate[];
  public readonly alertProvider: AlertProvider;
  public readonly gates: readonly CanaryGate[];
  /**
   * The canary's timing (steps, rollback bound, longest analysis, the pipeline's wait bound): the
   * manifest is written from it, and the alert rules and the Pulumi program read it from here.
   */
  public readonly timing: CanaryTiming;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    const name = props.name ?? CANARY_NAME;
    const target = props.targetDeployment.name;
    const namespace = Chart.of(this).namespace;
    const settings = canaryTimingSettings(props);
    const slackSecret = props.slackWebhookSecret ?? SECRETS.slackWebhook;
    validate(this, props, settings, slackSecret, namespace);
    const timing = canaryTiming(settings);
    this.timing = timing;
    const labels = { [APP_LABEL]: target, ...partOfLabels() };
    const port = props.servicePort ?? PORTS.http;

    this.gates = canaryGates(target, {
      errorRatePercent: props.errorRatePercent ?? THRESHOLDS.errorRatePercent,
      latencyP99Milliseconds: props.latencyP99Milliseconds ?? THRESHOLDS.latencyP99Milliseconds,
    });
    this.metricTemplates = this.gates.map((gate) => new MetricTemplate(this, gate.templateName, {
      metadata: { name: gate.templateName, labels },
      spec: { provider: { type: MetricTemplateSpecProviderType.PROMETHEUS, address: props.metricsServer }, query: gate.query },
    }));

    this.alertProvider = new AlertProvider(this, 'Slack', {
      metadata: { name: SLACK_RECEIVER_NAME, labels },
      spec: {
        type: AlertProviderSpecType.SLACK,
        channel: props.slackChannel ?? SLACK_CHANNEL,
        username: 'flagger',
        secretRef: { name: slackSecret.name },
      },
    });

    const canaryUrl = `http://${target}-canary.${namespace}:${port}`;
    // Both endpoints must answer, and the workflow controller must report itself healthy.
    const healthCommand =
      `curl -sf --max-time 4 ${canaryUrl}${PROBE_PATHS.readiness} >/dev/null && ` +
      `curl -sf --max-time 4 ${canaryUrl}${API_PATHS.workflowsHealth} | jq -e '.status == "healthy"'`;
    const rps = props.loadTestRequestsPerSecond ?? 20;
    const webhooks: CanarySpecAnalysisWebhooks[] = [
      {
        name: 'acceptance-test',
        type: CanarySpecAnalysisWebhooksType.PRE_HYPHEN_ROLLOUT,
        url: props.loadTesterUrl,
        timeout: flaggerDuration(ACCEPTANCE_TEST_TIMEOUT_SECONDS),
        metadata: { type: 'bash', cmd: healthCommand },
      },
      {
        name: 'health-check',
        type: CanarySpecAnalysisWebhooksType.ROLLOUT,
        url: props.loadTesterUrl,
        timeout: flaggerDuration(HEALTH_CHECK_TIMEOUT_SECONDS),
        metadata: { type: 'bash', cmd: healthCommand },
      },
      // Runs in the background for one metric window (the loadtester skips a command that is
      // still running), so every query window holds canary requests.
      {
        name: 'load-test',
        type: CanarySpecAnalysisWebhooksType.ROLLOUT,
        url: props.loadTesterUrl,
        timeout: flaggerDuration(LOAD_TEST_TIMEOUT_SECONDS),
        metadata: { type: 'cmd', cmd: `hey -z ${timing.metricWindowSeconds}s -q ${rps / 2} -c 2 ${canaryUrl}${API_PATHS.workflowsHealth}` },
      },
      // Manual rollback: `curl -d '{"name":"<canary>","namespace":"<ns>"}' <loadtester>/rollback/open`.
      {
        name: 'manual-rollback',
        type: CanarySpecAnalysisWebhooksType.ROLLBACK,
        url: new URL('rollback/check', props.loadTesterUrl).toString(),
      },
    ];

    const traffic: Partial<CanarySpecAnalysis> = props.provider === 'nginx'
      ? { maxWeight: settings.maxWeight, stepWeight: settings.stepWeight }
      : { iterations: settings.iterations };
    const generatedServiceLabels = { labels: { 'app.kubernetes.io/name': target, ...partOfLabels() } };

    this.canary = new Canary(this, 'Canary', {
      metadata: { name, labels },
      spec: {
        provider: props.provider === 'nginx' ? CanarySpecProvider.NGINX : CanarySpecProvider.KUBERNETES,
        targetRef: { apiVersion: 'apps/v1', kind: CanarySpecTargetRefKind.DEPLOYMENT, name: target },
        autoscalerRef: { apiVersion: 'autoscaling/v2', kind: CanarySpecAutoscalerRefKind.HORIZONTAL_POD_AUTOSCALER, name: props.autoscaler.name },
        ...(props.provider === 'nginx'
          ? { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: CanarySpecIngressRefKind.INGRESS, name: props.ingress!.name } }
          : {}),
        progressDeadlineSeconds: timing.progressDeadlineSeconds,
        service: {
          port,
          portName: 'http',
          targetPort: 'http',
          // Also expose the other container ports (`metrics`) on the generated Services.
          portDiscovery: true,
          apex: generatedServiceLabels,
          primary: generatedServiceLabels,
          canary: generatedServiceLabels,
        },
        analysis: {
          interval: flaggerDuration(timing.intervalSeconds),
          threshold: timing.threshold,
          ...traffic,
          metrics: this.gates.map((gate) => ({
            name: gate.metricName,
            templateRef: { name: gate.templateName },
            thresholdRange: { ...gate.thresholdRange },
            interval: flaggerDuration(timing.metricWindowSeconds),
          })),
          webhooks,
          alerts: [{ name: 'slack', severity: CanarySpecAnalysisAlertsSeverity.INFO, providerRef: { name: this.alertProvider.name } }],
        },
      },
    });

    // Flagger copies the Deployment and HPA to `<target>-primary` but no PodDisruptionBudget:
    // the pods serving live traffic get their own, as the target's pods have.
    // Labelled as Flagger labels the primary Deployment: the target's labels, `app` rewritten.
    const primary = primaryNameOf(target);
    const component = props.targetDeployment.metadata.getLabel('app.kubernetes.io/component')!;
    new kplus.k8s.KubePodDisruptionBudget(this, 'PrimaryDisruptionBudget', {
      metadata: { name: primary, labels: { ...componentLabels(target, component), [APP_LABEL]: primary } },
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(props.primaryMaxUnavailable ?? 1),
        selector: { matchLabels: { [APP_LABEL]: primary } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}

function validate(scope: Construct, props: CanaryReleaseProps, timing: CanaryTimingSettings, slackSecret: SecretReference, namespace: string | undefined): void {
  const fail = (field: string, value: unknown, fix: string) => invalidProp(scope, field, value, fix);
  if (!(CANARY_PROVIDERS as readonly string[]).includes(props.provider)) {
    fail('provider', props.provider, `use one of ${CANARY_PROVIDERS.map((p) => `"${p}"`).join(', ')}`);
  }
  if (props.provider === 'nginx' && !props.ingress) fail('ingress', undefined, 'the nginx provider shifts traffic through an Ingress: pass the Ingress routing to the target');
  if (props.provider !== 'nginx' && props.ingress) fail('ingress', props.ingress.name, `remove it: only the nginx provider uses an Ingress (provider is "${props.provider}")`);
  const component = props.targetDeployment.metadata.getLabel('app.kubernetes.io/component');
  if (!component) fail('targetDeployment', props.targetDeployment.name, 'label it with app.kubernetes.io/component (componentLabels in lib/workloads/labels.ts), which the primary\'s PodDisruptionBudget carries too');
  if (!namespace) fail('namespace', namespace, 'define the canary in a Chart with a namespace (the webhooks address the canary Service by it)');
  const wholeAtLeast = (field: string, value: number, min: number) => {
    if (!(Number.isInteger(value) && value >= min)) fail(field, value, `use a whole number of at least ${min}`);
  };
  wholeAtLeast('threshold', timing.threshold, 1);
  wholeAtLeast('intervalSeconds', timing.intervalSeconds, 1);
  wholeAtLeast('metricWindowSeconds', timing.metricWindowSeconds, 1);
  wholeAtLeast('progressDeadlineSeconds', timing.progressDeadlineSeconds, 1);
  const scrapeIntervalSeconds = props.scrapeIntervalSeconds ?? SCRAPE_INTERVAL_SECONDS;
  wholeAtLeast('scrapeIntervalSeconds', scrapeIntervalSeconds, 1);
  const window = metricWindowProblem(timing.metricWindowSeconds, scrapeIntervalSeconds);
  if (window) fail('metricWindowSeconds', timing.metricWindowSeconds, window);
  if (props.provider === 'nginx') {
    const { maxWeight, stepWeight } = timing;
    if (!(Number.isInteger(maxWeight) && maxWeight >= 1 && maxWeight <= 100)) fail('maxWeight', maxWeight, 'use a whole percentage from 1 to 100');
    if (!(Number.isInteger(stepWeight) && stepWeight >= 1)) fail('stepWeight', stepWeight, `use a whole percentage from 1 to maxWeight (${maxWeight})`);
    const step = stepWeightProblem(stepWeight, maxWeight);
    if (step) fail('stepWeight', stepWeight, step);
  } else {
    wholeAtLeast('iterations', timing.iterations, 1);
  }
  if (timing.intervalSeconds <= ROLLOUT_WEBHOOKS_SECONDS) {
    fail('intervalSeconds', timing.intervalSeconds, `use more than ${ROLLOUT_WEBHOOKS_SECONDS} s: the rollout webhooks (health check ${HEALTH_CHECK_TIMEOUT_SECONDS} s, load test ${LOAD_TEST_TIMEOUT_SECONDS} s) must finish within one interval`);
  }
  const budget = rollbackBudgetProblem(timing);
  if (budget) fail('rollback bound', rollbackBound(timing).worstCaseSeconds, budget);
  const gate = (field: 'errorRatePercent' | 'latencyP99Milliseconds', unit: string) => {
    const value = props[field];
    if (value !== undefined && !(value > 0 && value <= THRESHOLDS[field])) {
      fail(field, value, `use a value above 0 and at most the runbook's ${THRESHOLDS[field]} ${unit} (a gate may be stricter than the runbook, never looser)`);
    }
  };
  gate('errorRatePercent', '%');
  gate('latencyP99Milliseconds', 'ms');
  if (slackSecret.key !== SECRETS.slackWebhook.key) {
    fail('slackWebhookSecret.key', slackSecret.key, `store the webhook URL under key "${SECRETS.slackWebhook.key}": Flagger's AlertProvider reads only that key`);
  }
  for (const [field, url] of [['metricsServer', props.metricsServer], ['loadTesterUrl', props.loadTesterUrl]] as const) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?(\/[\w./-]*)?$/.test(url)) fail(field, url, 'use an http(s) URL like "http://prometheus.monitoring:9090"');
  }
  if (!props.loadTesterUrl.endsWith('/')) fail('loadTesterUrl', props.loadTesterUrl, 'end it with "/" (the webhooks post to its root and to rollback/check under it)');
}
