/**
 * Synthesis of environments into manifests, kept apart from the CLI so tests, the benchmark,
 * the diff report and the Pulumi program all produce exactly the same objects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { toYaml } from '../lib/yaml';
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_DASHBOARD_LABEL_VALUE } from '../lib/observability/dashboard-config-maps';
import { EnvironmentConfig } from './config';
import { WorkflowChart } from './workflow-chart';

/** A synthesized Kubernetes object, as plain JSON. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface SynthesizedEnvironment {
  readonly config: EnvironmentConfig;
  readonly chart: WorkflowChart;
  /** In apply order: dependencies (Namespace, RBAC, …) before what uses them. */
  readonly objects: readonly ManifestObject[];
}

/**
 * Apply order by kind. `kubectl apply -f dist/<env>/` applies files alphabetically, so the rank
 * is the file-name prefix; Pulumi uses the same order for its dependsOn.
 */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'PriorityClass',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'Secret',
  'ConfigMap',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Ingress',
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'AlertmanagerConfig',
  'AlertProvider',
  'MetricTemplate',
  'Canary',
];

function kindRank(kind: string): number {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}

export function compareObjects(a: ManifestObject, b: ManifestObject): number {
  return kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name);
}

/** Builds one environment's chart in a fresh App and returns its objects in apply order. */
export function synthesizeEnvironment(config: EnvironmentConfig): SynthesizedEnvironment {
  const app = new App();
  const chart = new WorkflowChart(app, config.environment, config);
  const objects = (chart.toJson() as ManifestObject[]).slice().sort(compareObjects);
  return { config, chart, objects };
}

/** The file name of an object: apply-order rank, kind and name, e.g. `08-deployment-orchestrator.yaml`. */
export function fileNameOf(object: ManifestObject): string {
  return `${String(kindRank(object.kind)).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/** Every file of an environment's output folder, by relative path. */
export function renderEnvironment(env: SynthesizedEnvironment): Map<string, string> {
  const files = new Map<string, string>();
  for (const object of env.objects) {
    const name = fileNameOf(object);
    if (files.has(name)) throw new Error(`${env.config.environment}: two objects would be written to ${name}`);
    files.set(name, toYaml(object));
  }
  for (const [name, json] of dashboardFiles(env.objects)) files.set(name, json);
  return files;
}

/**
 * `dashboards/<uid>.json` for manual import into Grafana: the data of the dashboard ConfigMaps,
 * byte for byte. A subfolder, so `kubectl apply -f dist/<env>/` (not recursive) skips them.
 */
export function dashboardFiles(objects: readonly ManifestObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const object of objects) {
    const labels = (object.metadata.labels ?? {}) as Record<string, string>;
    if (object.kind !== 'ConfigMap' || labels[GRAFANA_DASHBOARD_LABEL] !== GRAFANA_DASHBOARD_LABEL_VALUE) continue;
    for (const [key, json] of Object.entries(object.data as Record<string, string>)) files.set(`dashboards/${key}`, json);
  }
  return files;
}

/**
 * Replaces `outdir/<env>/` for each environment with its files. Everything is rendered in
 * memory first and written to a sibling temp folder, then swapped in, so an error leaves the
 * previous output untouched (never half-written).
 */
export function writeEnvironments(outdir: string, rendered: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
  fs.mkdirSync(outdir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(outdir, '.synth-'));
  try {
    for (const [environment, files] of rendered) {
      for (const [file, content] of files) {
        const target = path.join(staging, environment, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
      }
    }
    for (const environment of rendered.keys()) {
      const final = path.join(outdir, environment);
      fs.rmSync(final, { recursive: true, force: true });
      fs.renameSync(path.join(staging, environment), final);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
