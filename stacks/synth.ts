/**
 * Synthesis of environments into manifests, kept apart from the CLI so tests, the benchmark,
 * the diff report and the Pulumi program all produce exactly the same objects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { invalid, InvalidError } from '../lib/invalid';
import { toYaml } from '../lib/yaml';
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_DASHBOARD_LABEL_VALUE } from '../lib/observability/dashboard-config-maps';
import { ConfigError, EnvironmentConfig } from './config';
import { compareObjects, DASHBOARDS_FOLDER, fileNameOf, ManifestObject } from './layout';
import { WorkflowChart } from './workflow-chart';

export { compareObjects, DASHBOARDS_FOLDER, fileNameOf, KIND_ORDER } from './layout';
export type { ManifestObject } from './layout';

export interface SynthesizedEnvironment {
  readonly config: EnvironmentConfig;
  readonly chart: WorkflowChart;
  /** In apply order: dependencies (Namespace, RBAC, …) before what uses them. */
  readonly objects: readonly ManifestObject[];
}

/** Builds one environment's chart in a fresh App and returns its objects in apply order. */
export function synthesizeEnvironment(config: EnvironmentConfig): SynthesizedEnvironment {
  let chart: WorkflowChart;
  let json: ManifestObject[];
  try {
    chart = new WorkflowChart(new App(), config.environment, config);
    json = chart.toJson() as ManifestObject[];
  } catch (error) {
    // Config validation reports in the config's terms; a construct check it does not repeat still
    // names the environment, so the user knows which file to fix.
    if (error instanceof InvalidError) throw new InvalidError(`${error.subject} in environment "${config.environment}"`, error.problems);
    throw new Error(`Cannot synthesize environment "${config.environment}": ${error instanceof Error ? error.message : String(error)}`);
  }
  return { config, chart, objects: json.slice().sort(compareObjects) };
}

/** The manifests of an environment's output folder `dist/<env>/`, by file name. */
export function renderEnvironment(env: SynthesizedEnvironment): Map<string, string> {
  const files = new Map<string, string>();
  for (const object of env.objects) {
    const name = fileNameOf(object);
    if (files.has(name)) invalid(`Invalid chart for environment "${env.config.environment}"`, 'objects', name, 'two objects would be written to this file: give one of them another name');
    files.set(name, toYaml(object));
  }
  return files;
}

/**
 * `<uid>.json` for manual import into Grafana: the data of the dashboard ConfigMaps, byte for
 * byte. Written to `dist/dashboards/`, beside the environments' folders and not in one, so every
 * file of `dist/<env>/` is a Kubernetes object (`kubectl apply -R`, kubeconform and Argo CD read
 * every .json there as a manifest).
 */
export function dashboardFiles(objects: readonly ManifestObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const object of objects) {
    const labels = (object.metadata.labels ?? {}) as Record<string, string>;
    if (object.kind !== 'ConfigMap' || labels[GRAFANA_DASHBOARD_LABEL] !== GRAFANA_DASHBOARD_LABEL_VALUE) continue;
    for (const [key, json] of Object.entries(object.data as Record<string, string>)) files.set(key, json);
  }
  return files;
}

/** What `npm run synth` writes, by folder of the output directory: `<env>` and, when one ships them, `dashboards`. */
export function renderOutput(environments: readonly SynthesizedEnvironment[]): Map<string, Map<string, string>> {
  const folders = new Map<string, Map<string, string>>();
  let shipping: string | undefined;
  for (const env of environments) {
    folders.set(env.config.environment, renderEnvironment(env));
    const dashboards = dashboardFiles(env.objects);
    if (dashboards.size === 0) continue;
    // Config validation allows one shipping environment; this keeps a second from overwriting it.
    if (shipping) {
      throw new ConfigError(env.config.environment, [{ path: 'monitoring.dashboards', value: 'ship', fix: `${shipping} ships the dashboards too: set "linked" in one of them` }]);
    }
    shipping = env.config.environment;
    folders.set(DASHBOARDS_FOLDER, dashboards);
  }
  return folders;
}

/** Whether `dir` holds exactly `files` (names and bytes). */
function holdsExactly(dir: string, files: ReadonlyMap<string, string>): boolean {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return false;
  }
  if (names.length !== files.size) return false;
  return names.every((name) => {
    const content = files.get(name);
    return content !== undefined && fs.readFileSync(path.join(dir, name), 'utf8') === content;
  });
}

/**
 * Replaces `outdir/<folder>/` for each folder with its files. Everything is rendered in memory
 * first and written to a sibling temp folder, then swapped in, so an error leaves the previous
 * output untouched (never half-written). A folder that already holds exactly these files is left
 * as it is: a synth after editing one environment rewrites only that environment.
 * Returns the folders it replaced.
 */
export function writeEnvironments(outdir: string, rendered: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  const changed = [...rendered].filter(([folder, files]) => !holdsExactly(path.join(outdir, folder), files));
  if (changed.length === 0) return [];
  fs.mkdirSync(outdir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(outdir, '.synth-'));
  try {
    for (const [folder, files] of changed) {
      fs.mkdirSync(path.join(staging, folder));
      for (const [file, content] of files) fs.writeFileSync(path.join(staging, folder, file), content);
    }
    for (const [folder] of changed) {
      const final = path.join(outdir, folder);
      fs.rmSync(final, { recursive: true, force: true });
      fs.renameSync(path.join(staging, folder), final);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return changed.map(([folder]) => folder);
}
