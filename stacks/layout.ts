/**
 * The output layout of `npm run synth`: which file each object goes to, in what order they
 * apply, and where the dashboards JSON goes. Kept apart from synthesis (no cdk8s here) so the
 * manifest diff reads the same layout it compares.
 *
 *   dist/<env>/<rank>-<kind>-<name>.yaml   one Kubernetes object per file, nothing else
 *   dist/dashboards/<uid>.json             Grafana JSON of the environment that ships them
 */

import type { ManifestObject } from '../lib/manifest';

export type { ManifestObject } from '../lib/manifest';

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

/** The file name of an object: apply-order rank, kind and name, e.g. `08-deployment-orchestrator.yaml`. */
export function fileNameOf(object: ManifestObject): string {
  return `${String(kindRank(object.kind)).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/**
 * Folder of the output directory for the dashboards JSON. Not an environment's folder: every
 * file of `dist/<env>/` must be a manifest. No environment can be named so (ENVIRONMENTS).
 */
export const DASHBOARDS_FOLDER = 'dashboards';
