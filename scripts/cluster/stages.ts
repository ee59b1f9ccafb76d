/**
 * kwok's pod and node lifecycle for the live cluster: upstream's own Stage files, read from the
 * kwok module in the Go module cache (the release tools/kwok builds), with the differences this
 * harness needs made explicit here:
 *
 * - pod-create: no delay and no jitter (upstream: 1 s + up to 5 s jitter), so that a pod's time to
 *   Ready is exactly `podStartSeconds` and rollout measurements are comparable with the arithmetic.
 * - pod-ready: delay = `podStartSeconds`, no jitter (upstream: 1 s + up to 5 s jitter); it skips
 *   pods with a container image listed in `neverReadyImages`.
 * - pod-delete: a terminating pod goes away `podDrainSeconds` after its deletion (upstream: at a
 *   random time up to its whole grace period, 630 s for an agent). Terminating pods keep their node
 *   capacity meanwhile, as draining agents do.
 * - pod-running-not-ready (ours): pods with a listed image start running but never pass
 *   readiness, as a release whose readiness probe always fails would.
 * - pod-readiness-failing / pod-readiness-passing (ours): a running pod annotated
 *   READINESS_ANNOTATION=failing loses readiness (Ready False, as a failing readiness probe
 *   reports it); removing the annotation makes it Ready again. How the alerting suite makes agents
 *   NotReady without a rollout (`kubectl annotate pod …`).
 * - nodes: upstream's node-initialize and node-heartbeat-with-lease stages, unchanged.
 * - logs (ours): no process runs in a simulated pod, so `kubectl logs` of any container returns
 *   one file the harness writes (`ClusterLogs`, served by kwok's kubelet endpoint on loopback).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { toYaml } from '../../lib/yaml';

type Stage = {
  apiVersion: string;
  kind: 'Stage';
  metadata: { name: string };
  spec: {
    selector: { matchExpressions: Array<{ key: string; operator: string; values?: string[] }> };
    delay?: Record<string, unknown>;
    next: Record<string, unknown>;
    [k: string]: unknown;
  };
};

export interface LifecycleOptions {
  /** Seconds from a pod being scheduled to Ready (after scaling); 0 = at once. */
  readonly podStartSeconds: number;
  /** Seconds a terminating pod lingers (drains) before it is gone. */
  readonly podDrainSeconds: number;
  /** Pods with any container image in this list run but never become Ready. */
  readonly neverReadyImages: readonly string[];
}

/** The upstream stage files used, relative to the kwok module root. */
export const UPSTREAM_STAGES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/general/pod-create.yaml',
  'kustomize/stage/pod/general/pod-init-container-running.yaml',
  'kustomize/stage/pod/general/pod-init-container-completed.yaml',
  'kustomize/stage/pod/general/pod-ready.yaml',
  'kustomize/stage/pod/general/pod-complete.yaml',
  'kustomize/stage/pod/general/pod-delete.yaml',
] as const;

function readStage(moduleDir: string, file: string): Stage {
  const docs = parseAllDocuments(fs.readFileSync(path.join(moduleDir, file), 'utf8')).map((d) => d.toJS() as Stage);
  if (docs.length !== 1 || docs[0].kind !== 'Stage') throw new Error(`${file} in ${moduleDir}: expected one Stage`);
  return docs[0];
}

const IMAGES = '.spec.containers.[].image';

/** A running pod with this annotation set to `failing` is NotReady until it is removed. */
export const READINESS_ANNOTATION = 'kwok.agentaskit.test/readiness';
const readyStatus = (key: string) => `.status.conditions.[] | select( .type == "${key}" ) | .status`;

/** The multi-document `Stage` YAML to pass to `kwok --config`. */
export function lifecycleStages(kwokModuleDir: string, opts: LifecycleOptions): string {
  const stages = UPSTREAM_STAGES.map((f) => readStage(kwokModuleDir, f));
  const byName = new Map(stages.map((s) => [s.metadata.name, s]));
  const get = (name: string): Stage => {
    const s = byName.get(name);
    if (!s) throw new Error(`kwok stage ${name} not found in ${kwokModuleDir}`);
    return s;
  };
  const fixed = (ms: number) => ({ durationMilliseconds: ms });

  get('pod-create').spec.delay = fixed(0);
  const ready = get('pod-ready');
  ready.spec.delay = fixed(Math.round(opts.podStartSeconds * 1000));
  get('pod-delete').spec.delay = fixed(Math.round(opts.podDrainSeconds * 1000));

  if (opts.neverReadyImages.length > 0) {
    const images = [...opts.neverReadyImages];
    ready.spec.selector.matchExpressions.push({ key: IMAGES, operator: 'NotIn', values: images });
    // Same trigger as pod-ready, but the pod runs with every container unready.
    const notReady = structuredClone(ready);
    notReady.metadata.name = 'pod-running-not-ready';
    notReady.spec.selector.matchExpressions = [
      ...ready.spec.selector.matchExpressions.filter((e) => e.key !== IMAGES),
      { key: IMAGES, operator: 'In', values: images },
    ];
    notReady.spec.next = { statusTemplate: NOT_READY_STATUS };
    stages.push(notReady);
  }
  // Readiness lost and regained on a running pod, by annotation (no rollout, no restart).
  const running = [
    { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
    { key: '.status.phase', operator: 'In', values: ['Running'] },
  ];
  const annotation = `.metadata.annotations["${READINESS_ANNOTATION}"]`;
  const failing = structuredClone(ready);
  failing.metadata.name = 'pod-readiness-failing';
  failing.spec.selector.matchExpressions = [...running, { key: readyStatus('Ready'), operator: 'In', values: ['True'] }, { key: annotation, operator: 'In', values: ['failing'] }];
  failing.spec.delay = fixed(0);
  failing.spec.next = { statusTemplate: NOT_READY_STATUS.replace(/^phase: Running\nstartTime: .*$/m, 'phase: Running') };
  const passing = structuredClone(ready);
  passing.metadata.name = 'pod-readiness-passing';
  passing.spec.selector.matchExpressions = [
    ...running,
    { key: readyStatus('Ready'), operator: 'In', values: ['False'] },
    { key: annotation, operator: 'DoesNotExist' },
    ...(opts.neverReadyImages.length > 0 ? [{ key: IMAGES, operator: 'NotIn', values: [...opts.neverReadyImages] }] : []),
  ];
  passing.spec.delay = fixed(0);
  stages.push(failing, passing);
  return stages.map(toYaml).join('---\n');
}

/** Running, started, never ready: what the kubelet reports while a readiness probe fails. */
const NOT_READY_STATUS = `{{ $now := Now }}
{{ $root := . }}
conditions:
- lastProbeTime: null
  lastTransitionTime: {{ $now | Quote }}
  message: 'containers with unready status: [{{ range .spec.containers }} {{ .name }} {{ end }}]'
  reason: ContainersNotReady
  status: "False"
  type: Ready
- lastProbeTime: null
  lastTransitionTime: {{ $now | Quote }}
  message: 'containers with unready status: [{{ range .spec.containers }} {{ .name }} {{ end }}]'
  reason: ContainersNotReady
  status: "False"
  type: ContainersReady
containerStatuses:
{{ range $index, $item := .spec.containers }}
- image: {{ $item.image | Quote }}
  name: {{ $item.name | Quote }}
  ready: false
  restartCount: 0
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}
`;

/**
 * `kubectl logs` for every simulated container: a `ClusterLogs` rule (no selector: every pod) that
 * makes kwok serve `logFile`, a CRI-format log as a kubelet would read it
 * (sigs.k8s.io/kwok pkg/kwok/server/debugging_logs.go, getPodLogs and readLogs).
 */
export function containerLogs(logFile: string): string {
  return toYaml({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name: 'simulated-containers' },
    spec: { logs: [{ logsFile: logFile, follow: false }] },
  });
}

/** Lines of the simulated log; more than the runbook's largest `--tail`, so tails are checkable. */
export const SIMULATED_LOG_LINES = 500;

/** The simulated container log in CRI format (`<RFC3339Nano> stdout F <line>`), line n says n. */
export function simulatedLog(start: Date): string {
  const lines: string[] = [];
  for (let n = 1; n <= SIMULATED_LOG_LINES; n++) {
    const at = new Date(start.getTime() + n).toISOString();
    lines.push(`${at} stdout F simulated container log line ${n} of ${SIMULATED_LOG_LINES} (kwok runs no process)`);
  }
  return lines.join('\n') + '\n';
}
