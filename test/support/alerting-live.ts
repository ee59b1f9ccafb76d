/**
 * Live alerting on the live cluster: real kube-state-metrics (v2.20.0, tools/kube-state-metrics)
 * watching the production namespace, scraped by a real Prometheus (Debian 2.42) loaded with our
 * rules as prometheus-operator (v0.93.0, tools/prometheus-operator) renders the PrometheusRule,
 * sending to a real Alertmanager (Debian 0.25) configured with what the operator renders from our
 * AlertmanagerConfig, whose receivers are stand-ins on loopback (recording-receiver.ts) for
 * PagerDuty, Slack and the ticket webhook.
 *
 * The operator only renders: it writes ConfigMap `prometheus-<p>-rulefiles-0` and Secret
 * `alertmanager-<a>-generated` (docs/live-cluster.md, "prometheus-operator without a Prometheus
 * pod"); the test feeds their content to the Debian binaries, with the test-only overrides
 * listed in ALERTING_TEST_OVERRIDES.
 */
import * as zlib from 'node:zlib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseFlaggerDuration } from '../../lib/delivery/rollback-budget';
import { SCRAPE_INTERVAL_SECONDS } from '../../lib/metrics-contract';
import { toYaml } from '../../lib/yaml';
import { freePort } from '../../scripts/cluster/processes';
import { binary } from '../../scripts/cluster/tools';
import { loadEnvironment } from '../../stacks/environments';
import { AlertmanagerServer, startAlertmanager } from './alertmanager';
import { applyObjects, applyProduction, applySecrets, NS, synthesized } from './canary-live';
import { cluster, eventually, kube, kubeJson, LIVE } from './live-cluster';
import { httpOk, Program, startProgram } from './programs';
import { PrometheusServer, startPrometheus } from './prometheus-server';
import { RecordingReceiver, startRecordingReceiver } from './recording-receiver';
import { run } from './tools';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const config = loadEnvironment('production');
/** The Prometheus and Alertmanager CRs the operator renders for (kube-prometheus-stack's namespace). */
export const MONITORING_NS = config.monitoring.namespace;
export const INSTANCE = 'agentaskit-live';

/** Prometheus' `--rules.alert.resend-delay` default (v2.42.0 cmd/prometheus/main.go:381-382), kept by a Prometheus CR without spec.rules.alert.resendDelay. */
export const PROMETHEUS_RESEND_DELAY = '1m';

export const ALERTING_TEST_OVERRIDES = [
  'every rule `for`, the scrape and evaluation intervals (30 s), Prometheus\' alert resend delay (1m) and Alertmanager\'s group_wait, group_interval and repeat_interval divided by AGENTASKIT_CLUSTER_TIME_SCALE',
  'Alertmanager global.pagerduty_url: the PagerDuty stand-in on 127.0.0.1 (our AlertmanagerConfig leaves the Events API URL at its default)',
  'Secrets agentaskit-slack, agentaskit-pagerduty, agentaskit-ticketing: stand-in URLs on 127.0.0.1 and a test routing key',
  'Prometheus scrapes kube-state-metrics directly (honor_labels, as kube-prometheus-stack\'s ServiceMonitor), not through a ServiceMonitor',
] as const;

/** A Go/Prometheus duration divided by the time scale, in milliseconds (Prometheus durations are integers). */
export function scaledDuration(value: string, scale: number): string {
  return `${Math.round((parseFlaggerDuration(value.replace(/(\d+)d/, (_, d) => `${Number(d) * 24}h`)) * 1000) / scale)}ms`;
}

export interface AlertingHarness {
  readonly scale: number;
  readonly prometheus: PrometheusServer;
  readonly alertmanager: AlertmanagerServer;
  readonly receivers: { readonly pagerduty: RecordingReceiver; readonly slack: RecordingReceiver; readonly ticket: RecordingReceiver };
  readonly ksm: Program;
  /** The rule file the operator rendered, as it rendered it. */
  readonly renderedRules: string;
  /** The Alertmanager config the operator rendered (decoded), before the test overrides. */
  readonly renderedAlertmanagerConfig: Json;
  /** What Alertmanager runs with. */
  readonly alertmanagerConfig: Json;
  /** Timings of the rendering, seconds. */
  readonly timings: Record<string, number>;
  /** Prometheus' active alerts (pending and firing). */
  alerts(): Promise<Array<{ labels: Record<string, string>; state: string; activeAt: string; value: string }>>;
  stop(): Promise<void>;
}

function scaleRoute(route: Json, scale: number): void {
  for (const k of ['group_wait', 'group_interval', 'repeat_interval']) if (route[k]) route[k] = scaledDuration(route[k], scale);
  for (const r of route.routes ?? []) scaleRoute(r, scale);
}

export async function startAlertingHarness(): Promise<AlertingHarness> {
  const scale = LIVE.timeScale;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  const timings: Record<string, number> = {};
  try {
    applyProduction();
    const pagerduty = await startRecordingReceiver('pagerduty');
    stops.push(pagerduty.stop);
    const slack = await startRecordingReceiver('slack');
    stops.push(slack.stop);
    const ticket = await startRecordingReceiver('ticket');
    stops.push(ticket.stop);
    applySecrets({ slackWebhook: `${slack.url}/slack`, pagerdutyRoutingKey: 'test-routing-key', ticketWebhook: `${ticket.url}/ticket`, adminToken: 'test' });

    // --- prometheus-operator renders our PrometheusRule and AlertmanagerConfig ---
    let t = Date.now();
    applyObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: MONITORING_NS } }]);
    const selector = { matchLabels: { ...config.monitoring.selectorLabels } };
    applyObjects([
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: INSTANCE, namespace: MONITORING_NS },
        // The Debian build's version (below the operator's compatibility matrix, docs/live-cluster.md).
        spec: { version: 'v2.42.0', replicas: 1, ruleSelector: selector, ruleNamespaceSelector: {}, evaluationInterval: `${SCRAPE_INTERVAL_SECONDS}s` },
      },
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Alertmanager',
        metadata: { name: INSTANCE, namespace: MONITORING_NS },
        spec: { version: 'v0.25.0', replicas: 1, alertmanagerConfigSelector: selector, alertmanagerConfigNamespaceSelector: {} },
      },
    ]);
    const poPort = await freePort();
    const operator = await startProgram({
      name: 'prometheus-operator',
      bin: binary('prometheus-operator'),
      args: [`--web.listen-address=127.0.0.1:${poPort}`, `--namespaces=${MONITORING_NS},${NS}`, '--log-level=info'],
      env: { KUBECONFIG: cluster().kubeconfig },
      ports: [poPort],
      ready: () => httpOk(`http://127.0.0.1:${poPort}/healthz`),
      readyTimeoutMs: 120_000,
    });
    const cm = await eventually(`ConfigMap prometheus-${INSTANCE}-rulefiles-0`, () => {
      try {
        return kubeJson<Json>(['configmap', `prometheus-${INSTANCE}-rulefiles-0`, '-n', MONITORING_NS]);
      } catch {
        return undefined;
      }
    }, 120_000, 1000).catch((e) => {
      throw new Error(`${e}\noperator log:\n${operator.log()}`);
    });
    const secret = await eventually(`Secret alertmanager-${INSTANCE}-generated`, () => {
      try {
        const s = kubeJson<Json>(['secret', `alertmanager-${INSTANCE}-generated`, '-n', MONITORING_NS]);
        return s.data?.['alertmanager.yaml.gz'] ? s : undefined;
      } catch {
        return undefined;
      }
    }, 120_000, 1000).catch((e) => {
      throw new Error(`${e}\noperator log:\n${operator.log()}`);
    });
    timings.operatorRenderSeconds = (Date.now() - t) / 1000;
    await operator.stop();
    // The operator's StatefulSets (kwok pods) are not needed: only what it rendered.
    kube(['delete', 'prometheus,alertmanager', '--all', '-n', MONITORING_NS, '--wait=false']);

    const ruleKeys = Object.keys(cm.data ?? {});
    if (ruleKeys.length !== 1) throw new Error(`expected one rule file in ${cm.metadata.name}, got ${ruleKeys.join(', ')}`);
    const renderedRules: string = cm.data[ruleKeys[0]];
    const renderedAlertmanagerConfig = parse(zlib.gunzipSync(Buffer.from(secret.data['alertmanager.yaml.gz'], 'base64')).toString('utf8')) as Json;

    // --- the test overrides ---
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-alerting-'));
    stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const rules = parse(renderedRules) as Json;
    for (const g of rules.groups) for (const r of g.rules) if (r.for) r.for = scaledDuration(r.for, scale);
    const rulesFile = path.join(dir, 'rules.yaml');
    fs.writeFileSync(rulesFile, toYaml(rules));
    const check = run('promtool', ['check', 'rules', rulesFile]);
    if (check.code !== 0) throw new Error(`promtool rejects the scaled rules:\n${check.stdout}${check.stderr}`);

    const amConfig = structuredClone(renderedAlertmanagerConfig);
    amConfig.global = { ...amConfig.global, pagerduty_url: `${pagerduty.url}/v2/enqueue` };
    scaleRoute(amConfig.route, scale);
    t = Date.now();
    const alertmanager = await startAlertmanager(toYaml(amConfig));
    stops.push(alertmanager.stop);
    timings.alertmanagerStartSeconds = (Date.now() - t) / 1000;

    // --- kube-state-metrics against the live cluster ---
    t = Date.now();
    const ksmPort = await freePort();
    const ksmTelemetry = await freePort();
    const ksm = await startProgram({
      name: 'kube-state-metrics',
      bin: binary('kube-state-metrics'),
      args: [
        `--kubeconfig=${cluster().kubeconfig}`,
        '--host=127.0.0.1', `--port=${ksmPort}`,
        '--telemetry-host=127.0.0.1', `--telemetry-port=${ksmTelemetry}`,
        `--namespaces=${NS}`,
        // Only what the rules read (METRICS with source kube-state-metrics): Deployments and Pods.
        '--resources=deployments,pods',
      ],
      ports: [ksmPort, ksmTelemetry],
      ready: () => httpOk(`http://127.0.0.1:${ksmPort}/healthz`),
      readyTimeoutMs: 120_000,
    });
    stops.push(ksm.stop);
    timings.ksmStartSeconds = (Date.now() - t) / 1000;

    const every = `${Math.round((SCRAPE_INTERVAL_SECONDS * 1000) / scale)}ms`;
    const prometheus = await startPrometheus({
      // Prometheus re-sends a firing alert every resend delay and sets its EndsAt to
      // 4 × max(resend delay, evaluation interval) ahead (v2.42.0 rules/alerting.go:524-536):
      // scaled like the evaluation interval, or the test would re-send 20 times rarer than
      // production relative to its evaluations.
      extraArgs: [`--rules.alert.resend-delay=${scaledDuration(PROMETHEUS_RESEND_DELAY, scale)}`],
      openMetrics: '# EOF\n',
      ruleFiles: [rulesFile],
      scrapeInterval: every,
      evaluationInterval: every,
      scrapeConfigs: [{ job_name: 'kube-state-metrics', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${ksmPort}`] }] }],
      alertmanagers: [alertmanager.hostPort],
    });
    stops.push(prometheus.stop);

    return {
      scale,
      prometheus,
      alertmanager,
      receivers: { pagerduty, slack, ticket },
      ksm,
      renderedRules,
      renderedAlertmanagerConfig,
      alertmanagerConfig: amConfig,
      timings,
      async alerts() {
        const res = await fetch(`${prometheus.url}/api/v1/alerts`);
        const body = (await res.json()) as { data: { alerts: never[] } };
        return body.data.alerts;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The PrometheusRule of dist/production/ (what the operator was given). */
export function ourPrometheusRule(): Json {
  return synthesized(['PrometheusRule'])[0];
}
