import { compareRefs, type VersionedRef } from '../../lib/manifest';
import { type EnvironmentDiff, type ReportedChange } from './manifest-diff';
import { formatChange } from './format';

export interface RiskWarning {
  env: string;
  ref: VersionedRef;
  reason: string;
}

/** Environments where every change deserves a second look. */
export const PRODUCTION_ENVS: ReadonlySet<string> = new Set(['production']);

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/**
 * Kinds whose mere addition or removal changes who can talk to what, how safe a rollout is, or
 * who gets paged: the canary's gates (Canary, MetricTemplate) and the alerts and their routing.
 */
const GUARD_KINDS = new Set([
  ...RBAC_KINDS, 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler',
  'Canary', 'MetricTemplate', 'PrometheusRule', 'AlertmanagerConfig',
]);

const IMAGE_PATH = /(^|\.)(containers|initContainers|ephemeralContainers)\[[^\]]+\]\.image$/;
const REPLICA_BOUND_PATH = /^spec\.(minReplicas|maxReplicas|minReplicaCount|maxReplicaCount)$/;
const ALERT_RULE = /^spec\.groups\[[^\]]+\](\.rules\[[^\]]+\])?/;
/** When a rule fires: its query and how long it must hold. */
const ALERT_RULE_THRESHOLD_PATH = /^spec\.groups\[[^\]]+\]\.rules\[[^\]]+\]\.(expr|for|keep_firing_for)$/;
/** Whom a firing rule pages: Alertmanager routes on these labels (P1 page vs P2 Slack vs P3 ticket). */
const ALERT_RULE_ROUTING_PATH = /^spec\.groups\[[^\]]+\]\.rules\[[^\]]+\]\.labels\.(priority|severity)$/;
/** The canary's gates: its analysis, how long the canary may be not Ready, and the switch that skips the analysis. */
const CANARY_GATE_PATH = /^spec\.(analysis(\.|$)|progressDeadlineSeconds$|skipAnalysis$)/;

/** The reason a single field change is high-risk, or undefined when it is routine. */
function fieldRisk(ref: VersionedRef, change: ReportedChange): string | undefined {
  const { path } = change;
  if (path === 'spec.replicas') return `replica count ${formatChange(change)}`;
  if (REPLICA_BOUND_PATH.test(path)) return `autoscaling bounds ${formatChange(change)}`;
  if (IMAGE_PATH.test(path)) return `image ${formatChange(change)}`;
  if (ref.kind === 'Canary' && CANARY_GATE_PATH.test(path)) return `canary gate ${formatChange(change)}`;
  // A template's query (and its provider) is what a canary gate's threshold is compared with.
  if (ref.kind === 'MetricTemplate' && path.startsWith('spec.')) return `canary gate query ${formatChange(change)}`;
  if (ref.kind === 'PrometheusRule') {
    if (ALERT_RULE_THRESHOLD_PATH.test(path)) return `alert threshold ${formatChange(change)}`;
    if (ALERT_RULE_ROUTING_PATH.test(path)) return `alert routing ${formatChange(change)}`;
    // A whole rule or group added or removed: an alert appears or is silenced.
    const whole = ALERT_RULE.exec(path);
    if (whole && whole[0] === path && change.op !== 'changed') return `alert rule ${change.op} ${path}`;
  }
  return undefined;
}

/** Kind-level reason for objects whose every change matters (RBAC, network policy, PDB, alert routing). */
function objectRisk(ref: VersionedRef): string | undefined {
  if (RBAC_KINDS.has(ref.kind)) return 'RBAC changed';
  if (ref.kind === 'NetworkPolicy') return 'network policy changed';
  if (ref.kind === 'PodDisruptionBudget') return 'disruption budget changed';
  if (ref.kind === 'AlertmanagerConfig') return 'alert routing changed (who is paged, where)';
  return undefined;
}

/**
 * High-risk changes of one environment, ordered by object identity; reasons
 * within an object keep field order. Production adds one warning per touched object.
 */
export function classifyRisks(diff: EnvironmentDiff): RiskWarning[] {
  const found: RiskWarning[] = [];
  const warn = (ref: VersionedRef, reason: string) => found.push({ env: diff.env, ref, reason });
  const production = PRODUCTION_ENVS.has(diff.env);

  for (const [refs, verb] of [[diff.added, 'added'], [diff.removed, 'removed']] as const) {
    for (const ref of refs) {
      if (GUARD_KINDS.has(ref.kind)) warn(ref, `${ref.kind} ${verb}`);
      if (production) warn(ref, `production object ${verb}`);
    }
  }
  for (const { ref, changes } of diff.changed) {
    const objectReason = objectRisk(ref);
    if (objectReason) warn(ref, objectReason);
    for (const change of changes) {
      const reason = fieldRisk(ref, change);
      if (reason) warn(ref, reason);
    }
    if (production) warn(ref, `production object changed (${changes.length} field${changes.length === 1 ? '' : 's'})`);
  }
  // Array#sort is stable, so reasons of one object keep the order generated above.
  return found.sort((a, b) => compareRefs(a.ref, b.ref));
}

export function classifyAll(diffs: EnvironmentDiff[]): RiskWarning[] {
  return diffs.flatMap(classifyRisks);
}
