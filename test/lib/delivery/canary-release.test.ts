import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { CanaryRelease, CanaryReleaseProps } from '../../../lib/delivery/canary-release';
import { canaryTimingSettings } from '../../../lib/delivery/canary-timing';
import { parseFlaggerDuration } from '../../../lib/delivery/rollback-budget';
import { METRICS, SCRAPE_INTERVAL_SECONDS } from '../../../lib/metrics-contract';
import { API_PATHS, CANARY_NAME, SLACK_CHANNEL, THRESHOLDS } from '../../../lib/runbook';
import { SECRETS } from '../../../lib/secrets';
import { Orchestrator } from '../../../lib/workloads/orchestrator';
import { PORTS } from '../../../lib/workloads/pod-defaults';
import { renderQuery } from '../../support/flagger-template';
import { ConfigError, ENVIRONMENTS, PROMETHEUS_PORT } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { ManifestObject, synthesizeEnvironment } from '../../../stacks/synth';
import { parsePromql, unknownMetricNames } from '../../support/promql';
import { findObject } from '../../support/environments';
import { schemaProblems } from '../../support/schema';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are plain JSON */
const synthesized = Object.fromEntries(ENVIRONMENTS.map((env) => [env, synthesizeEnvironment(loadEnvironment(env)).objects])) as Record<string, readonly ManifestObject[]>;

// Manifests are plain JSON: read them untyped.
const find = (objects: readonly ManifestObject[], kind: string, name: string): any => findObject(objects, kind, name);
const canaryOf = (env: string) => find(synthesized[env]!, 'Canary', CANARY_NAME);

describe('synthesized canary objects', () => {
  it.each(ENVIRONMENTS)('%s: Canary, MetricTemplates, AlertProvider and everything else validate against their schemas', (env) => {
    const objects = synthesized[env]!;
    expect(objects.filter((o) => o.apiVersion === 'flagger.app/v1beta1').map((o) => o.kind).sort()).toEqual(['AlertProvider', 'Canary', 'MetricTemplate', 'MetricTemplate', 'MetricTemplate']);
    expect(objects.flatMap((o) => schemaProblems(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`))).toEqual([]);
  });

  it('production Canary matches the snapshot', () => {
    expect(canaryOf('production')).toMatchSnapshot();
  });

  it.each(ENVIRONMENTS)('%s: targets Deployment orchestrator and its autoscaling/v2 HPA, and the Deployment leaves replicas to the HPA', (env) => {
    const { spec } = canaryOf(env);
    const hpa = find(synthesized[env]!, 'HorizontalPodAutoscaler', spec.autoscalerRef.name);
    expect(spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orchestrator' });
    expect(hpa.apiVersion).toBe(spec.autoscalerRef.apiVersion);
    expect(spec.autoscalerRef.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'orchestrator' });
    const deployment = find(synthesized[env]!, 'Deployment', 'orchestrator');
    expect(deployment.spec).not.toHaveProperty('replicas');
    // Flagger derives the primary by rewriting the selector label `app`.
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'orchestrator' } });
    expect(spec.progressDeadlineSeconds).toBeLessThan(THRESHOLDS.rollbackSeconds);
  });

  it.each(ENVIRONMENTS)('%s: Flagger owns Service orchestrator (none synthesized) and the Ingress routes to it on the canary port', (env) => {
    const objects = synthesized[env]!;
    const { spec } = canaryOf(env);
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith('orchestrator'))).toEqual([]);
    const backends = find(objects, 'Ingress', 'orchestrator').spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service));
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) expect(backend).toEqual({ name: 'orchestrator', port: { number: spec.service.port } });
    expect(spec.service).toMatchObject({ port: PORTS.http, targetPort: 'http', portDiscovery: true });
  });

  it('per provider: production and staging shift traffic through Ingress orchestrator, dev runs blue/green', () => {
    for (const env of ['production', 'staging']) {
      const { spec } = canaryOf(env);
      const config = canaryTimingSettings(loadEnvironment(env).canary);
      expect(spec.provider).toBe('nginx');
      expect(spec.ingressRef).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'orchestrator' });
      expect(spec.analysis).toMatchObject({ maxWeight: config.maxWeight, stepWeight: config.stepWeight });
      expect(spec.analysis).not.toHaveProperty('iterations');
    }
    const dev = canaryOf('dev').spec;
    expect(dev.provider).toBe('kubernetes');
    expect(dev).not.toHaveProperty('ingressRef');
    expect(dev.analysis.iterations).toBe(canaryTimingSettings(loadEnvironment('dev').canary).iterations);
    expect(dev.analysis).not.toHaveProperty('maxWeight');
  });

  it.each(ENVIRONMENTS)('%s: gates are the MetricTemplates, at the runbook thresholds', (env) => {
    const { spec } = canaryOf(env);
    const gates = Object.fromEntries(spec.analysis.metrics.map((m: any) => [m.templateRef.name, m.thresholdRange]));
    expect(gates).toEqual({
      'orchestrator-error-rate': { max: THRESHOLDS.errorRatePercent },
      'orchestrator-latency-p99': { max: THRESHOLDS.latencyP99Milliseconds },
      // The runbook's health check, on the contract's health gauge: every canary pod healthy.
      'orchestrator-health': { min: 1 },
    });
    expect(find(synthesized[env]!, 'MetricTemplate', 'orchestrator-health').spec.query).toContain(METRICS.workflowHealth.name);
    for (const name of Object.keys(gates)) expect(find(synthesized[env]!, 'MetricTemplate', name).spec.provider.type).toBe('prometheus');
  });

  it('stricter thresholds in the config become stricter gates', () => {
    const objects = synthesizeEnvironment(loadEnvironment('staging', { thresholds: { errorRatePercent: 0.5, latencyP99Milliseconds: 150 } })).objects;
    const ranges = find(objects, 'Canary', CANARY_NAME).spec.analysis.metrics.map((m: any) => m.thresholdRange);
    expect(ranges).toEqual([{ max: 0.5 }, { max: 150 }, { min: 1 }]);
  });

  it.each(ENVIRONMENTS)('%s: MetricTemplate queries use only Flagger variables and contract series, and parse', (env) => {
    for (const template of synthesized[env]!.filter((o) => o.kind === 'MetricTemplate') as any[]) {
      const query = renderQuery(template.spec.query, { namespace: `agentaskit-${env}`, target: 'orchestrator', interval: '1m' });
      expect(parsePromql(query).errors).toEqual([]);
      expect(unknownMetricNames(query)).toEqual([]);
      expect(template.spec.query).toContain('{{ namespace }}');
      expect(template.spec.query).toContain('{{ target }}');
      expect(template.spec.query).toContain('{{ interval }}');
    }
  });

  it('the health check and load test call the runbook endpoints on Service orchestrator-canary', () => {
    const hooks = Object.fromEntries(canaryOf('production').spec.analysis.webhooks.map((w: any) => [w.name, w]));
    const canaryHealth = `http://orchestrator-canary.agentaskit-production:${PORTS.http}${API_PATHS.workflowsHealth}`;
    expect(hooks['acceptance-test']).toMatchObject({ type: 'pre-rollout', url: 'http://flagger-loadtester.flagger/', metadata: { type: 'bash' } });
    expect(hooks['acceptance-test'].metadata.cmd).toContain(canaryHealth);
    expect(hooks['acceptance-test'].metadata.cmd).toContain('/readyz');
    expect(hooks['health-check']).toMatchObject({ type: 'rollout', metadata: hooks['acceptance-test'].metadata });
    expect(hooks['load-test']).toMatchObject({ type: 'rollout', metadata: { type: 'cmd' } });
    expect(hooks['load-test'].metadata.cmd).toMatch(new RegExp(`^hey -z ${canaryTimingSettings(loadEnvironment('production').canary).metricWindowSeconds}s .* ${canaryHealth.replace(/[.]/g, '\\.')}$`));
    expect(hooks['manual-rollback']).toEqual({ name: 'manual-rollback', type: 'rollback', url: 'http://flagger-loadtester.flagger/rollback/check' });
  });

  it('Slack alerts go to the runbook channel through the AlertProvider, address from the Secret', () => {
    const objects = synthesized.production!;
    const alert = canaryOf('production').spec.analysis.alerts[0];
    const provider = find(objects, 'AlertProvider', alert.providerRef.name);
    expect(provider.spec).toEqual({ type: 'slack', channel: SLACK_CHANNEL, username: 'flagger', secretRef: { name: SECRETS.slackWebhook.name } });
    expect(SECRETS.slackWebhook.key).toBe('address');
  });

  it('the loadtester may reach only the canary pods, on http; Flagger primary pods get the same traffic and a labelled PDB', () => {
    const objects = synthesized.production!;
    const loadTester = loadEnvironment('production').canary.loadTester;
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes(loadTester.namespace)).map((o) => o.metadata.name)).toEqual(['orchestrator-canary']);
    const policy = find(objects, 'NetworkPolicy', 'orchestrator-canary');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { app: 'orchestrator' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': loadTester.namespace } }, podSelector: { matchLabels: loadTester.podLabels } }],
        ports: [{ protocol: 'TCP', port: PORTS.http }],
      }],
    });
    const orchestratorPolicy = find(objects, 'NetworkPolicy', 'orchestrator');
    expect(orchestratorPolicy.spec.podSelector.matchExpressions[0].values).toEqual(['orchestrator', 'orchestrator-primary']);
    const pdb = find(objects, 'PodDisruptionBudget', 'orchestrator-primary');
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { app: 'orchestrator-primary' } } });
    // The labels of the target's own PDB, with `app` rewritten as Flagger rewrites it for the primary.
    expect(pdb.metadata.labels).toEqual({ ...find(objects, 'PodDisruptionBudget', 'orchestrator').metadata.labels, app: 'orchestrator-primary' });
    expect(pdb.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'orchestrator', 'app.kubernetes.io/component': 'workflow-controller', 'app.kubernetes.io/managed-by': 'agentaskit-deploy' });
  });
});

describe('CanaryRelease validation', () => {
  function release(overrides: Partial<CanaryReleaseProps> = {}): CanaryRelease {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'agentaskit-test' });
    const orchestrator = new Orchestrator(chart, 'Orchestrator', { image: 'ghcr.io/agentaskit/orchestrator:1.4.2', service: 'canary' });
    return new CanaryRelease(chart, 'Canary', {
      targetDeployment: orchestrator.deployment,
      autoscaler: orchestrator.autoscaler,
      provider: 'kubernetes',
      metricsServer: 'http://prometheus.monitoring:9090',
      loadTesterUrl: 'http://flagger-loadtester.flagger/',
      ...overrides,
    });
  }

  it('accepts its defaults, with a rollback bound under the runbook target', () => {
    expect(release().timing.rollback.worstCaseSeconds).toBeLessThan(THRESHOLDS.rollbackSeconds);
  });

  it('fails when the worst-case rollback is over 5 minutes, showing the arithmetic', () => {
    // (⌊60 / 30⌋ + 5 + 3) × 30 = 300: one more tolerated failed check than production's reaches the 5 minutes.
    expect(() => release({ threshold: 5 })).toThrow(
      /rollback bound = 300: worst-case rollback max\(bad from the start \(⌊pod start 60 s \/ interval 30 s⌋ \+ threshold 5 \+ 3\) × 30 s = 300 s, breach mid-run: metric window 120 s \+ \(threshold 5 \+ 1\) × interval 30 s = 300 s, .*\) = 300 s is not under the runbook's 300 s/,
    );
  });

  it('defaults the metric window to 4 scrape intervals', () => {
    expect(new Set(release().canary.toJson().spec.analysis.metrics.map((m: any) => m.interval))).toEqual(new Set(['2m']));
    expect(release({ scrapeIntervalSeconds: 15 }).canary.toJson().spec.analysis.metrics[0].interval).toBe('1m');
  });

  it('fails when the metric window holds fewer than 4 scrapes', () => {
    expect(() => release({ metricWindowSeconds: 60 })).toThrow(/metricWindowSeconds = 60: use at least 4 × the 30 s scrape interval \(120 s\)/);
    expect(() => release({ metricWindowSeconds: 60, scrapeIntervalSeconds: 20 })).toThrow(/use at least 4 × the 20 s scrape interval \(80 s\)/);
    expect(release({ metricWindowSeconds: 60, scrapeIntervalSeconds: 15 }).timing.rollback.failingGateSeconds).toBe(60 + (4 + 1) * 30);
  });

  it('fails when the threshold is below 1', () => {
    expect(() => release({ threshold: 0 })).toThrow(/^Invalid props of CanaryRelease "test\/Canary":\n {2}- threshold = 0: use a whole number of at least 1\.$/);
  });

  it('fails when the provider is unknown, listing the supported ones', () => {
    expect(() => release({ provider: 'istio' as never })).toThrow(/provider = "istio": use one of "kubernetes", "nginx"/);
  });

  it.each([
    ['errorRatePercent', 2, /errorRatePercent = 2: .*at most the runbook's 1 %/],
    ['latencyP99Milliseconds', 250, /latencyP99Milliseconds = 250: .*at most the runbook's 200 ms/],
  ] as const)('fails when the %s gate is looser than the runbook', (field, value, message) => {
    expect(() => release({ [field]: value })).toThrow(message);
  });

  it('accepts gates stricter than the runbook', () => {
    expect(release({ errorRatePercent: 0.5, latencyP99Milliseconds: 100 }).gates.map((g) => g.thresholdRange)).toEqual([{ max: 0.5 }, { max: 100 }, { min: 1 }]);
  });

  it('fails when the nginx provider has no Ingress', () => {
    expect(() => release({ provider: 'nginx' })).toThrow(/ingress = undefined: the nginx provider shifts traffic through an Ingress/);
  });

  it('fails when the interval cannot hold the rollout webhooks', () => {
    expect(() => release({ intervalSeconds: 15 })).toThrow(/intervalSeconds = 15: use more than 15 s/);
  });

  it('fails when the Slack secret key is not the one Flagger reads', () => {
    expect(() => release({ slackWebhookSecret: { name: 'agentaskit-slack', key: 'url' } })).toThrow(/slackWebhookSecret\.key = "url": store the webhook URL under key "address"/);
  });
});

describe('canary config', () => {
  const configError = (overrides: unknown): string => {
    try {
      loadEnvironment('dev', overrides);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('fails when the provider is unknown', () => {
    expect(configError({ canary: { provider: 'istio' } })).toMatch(/canary\.provider = "istio": use one of "kubernetes", "nginx"/);
  });

  it('fails when the threshold is below 1', () => {
    expect(configError({ canary: { threshold: 0 } })).toMatch(/canary\.threshold = 0: use a whole number from 1 to 100/);
  });

  it('fails when the worst-case rollback is over 5 minutes, naming the fields and the arithmetic', () => {
    // dev with a 40 s interval: (⌊60 / 40⌋ + 3 + 3) × 40 = 280, 120 + 4 × 40 = 280, (⌊120 / 40⌋ + 2) × 40 = 200 passes; 50 s does not.
    expect(() => loadEnvironment("dev", { canary: { intervalSeconds: 40 } })).not.toThrow();
    expect(configError({ canary: { intervalSeconds: 50, threshold: 3 } })).toMatch(
      /canary = \{"intervalSeconds":50,"threshold":3,"metricWindowSeconds":120,"progressDeadlineSeconds":120\}: worst-case rollback max\(bad from the start \(⌊pod start 60 s \/ interval 50 s⌋ \+ threshold 3 \+ 3\) × 50 s = 350 s, breach mid-run: metric window 120 s \+ \(threshold 3 \+ 1\) × interval 50 s = 320 s, never Ready: \(⌊progressDeadline 120 s \/ 50 s⌋ \+ 2\) × 50 s = 200 s\) = 350 s is not under the runbook's 300 s/,
    );
  });

  it('fails when the metric window holds fewer than 4 PodMonitor scrapes', () => {
    expect(SCRAPE_INTERVAL_SECONDS).toBe(30); // the message below spells the arithmetic out
    expect(configError({ canary: { metricWindowSeconds: 90 } })).toMatch(
      /canary\.metricWindowSeconds = 90: use at least 4 × the 30 s scrape interval \(120 s\): with fewer scrapes in the window one missed scrape leaves rate\(\) no value/,
    );
  });

  it.each(ENVIRONMENTS)('%s: the metric window holds at least 4 scrapes of the PodMonitors that feed it', (env) => {
    const objects = synthesized[env]!;
    const scrape = parseFlaggerDuration(find(objects, 'PodMonitor', 'orchestrator').spec.podMetricsEndpoints[0].interval);
    for (const metric of canaryOf(env).spec.analysis.metrics) expect(parseFlaggerDuration(metric.interval)).toBeGreaterThanOrEqual(4 * scrape);
  });

  it('fails when a gate threshold is looser than the runbook', () => {
    expect(configError({ thresholds: { errorRatePercent: 1.5 } })).toMatch(/thresholds\.errorRatePercent = 1\.5: use a number above 0 and at most 1/);
  });

  it('the gates query the Prometheus of config.monitoring: Service prometheusService in its namespace', () => {
    const addresses = (overrides: unknown) =>
      synthesizeEnvironment(loadEnvironment('dev', overrides)).objects.filter((o) => o.kind === 'MetricTemplate').map((o: any) => o.spec.provider.address);
    expect(new Set(addresses({}))).toEqual(new Set([`http://kube-prometheus-stack-prometheus.monitoring:${PROMETHEUS_PORT}`]));
    expect(new Set(addresses({ monitoring: { namespace: 'observability', prometheusService: 'prometheus-operated' } }))).toEqual(new Set(['http://prometheus-operated.observability:9090']));
  });

  it('the runbook\'s canary diagnosis port-forwards to the Prometheus the gates query', () => {
    const { monitoring } = loadEnvironment('production');
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'runbooks', 'WF-001.md'), 'utf8');
    const issue3 = /### Issue 3: Canary Failure([\s\S]*?)\n### /.exec(runbook)![1]!;
    expect(issue3).toContain(`kubectl -n ${monitoring.namespace} port-forward svc/${monitoring.prometheusService} ${PROMETHEUS_PORT} &`);
  });

  it('fails when the Prometheus Service name is not a Kubernetes name', () => {
    expect(configError({ monitoring: { prometheusService: 'Prometheus:9090' } })).toMatch(/monitoring\.prometheusService = "Prometheus:9090": use a value like "monitoring"/);
  });

  it('fails when canary.metricsServer is still set (it is derived from monitoring now)', () => {
    expect(configError({ canary: { metricsServer: 'http://prometheus.monitoring:9090' } })).toMatch(/canary\.metricsServer = "http:\/\/prometheus\.monitoring:9090": remove it: known fields are/);
  });

  it('fails when the step is larger than the maximum weight', () => {
    expect(configError({ canary: { maxWeight: 20, stepWeight: 30 } })).toMatch(/canary\.stepWeight = 30: use at most canary\.maxWeight \(20\)/);
  });
});

describe('Orchestrator service ownership', () => {
  const servicesOf = (service: 'self' | 'canary' | undefined) => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'agentaskit-test' });
    const orchestrator = new Orchestrator(chart, 'Orchestrator', { image: 'ghcr.io/agentaskit/orchestrator:1.4.2', ...(service ? { service } : {}) });
    return { handle: orchestrator.service.name, synthesized: Testing.synth(chart).filter((o) => o.kind === 'Service').map((o) => o.metadata.name) };
  };

  it('creates Service orchestrator by default', () => {
    expect(servicesOf(undefined)).toEqual({ handle: 'orchestrator', synthesized: ['orchestrator'] });
  });

  it('leaves Service orchestrator to the canary, keeping a handle on its name', () => {
    expect(servicesOf('canary')).toEqual({ handle: 'orchestrator', synthesized: [] });
  });
});
