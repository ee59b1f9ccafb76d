/**
 * The Pulumi resources of one environment, as plain data: one entry per synthesized object with
 * its stable resource name, its inputs and the options that order and await it. Kept apart from
 * the ComponentResource so every decision is testable without the Pulumi engine.
 */
import { Chart } from 'cdk8s';
import { HardenedDeployment } from '../lib/workloads/hardened-deployment';
import { RolloutPlan } from '../lib/workloads/rollout';
import { compareObjects, ManifestObject, SynthesizedEnvironment } from '../stacks/synth';
import { autoscalersByTarget, Json, keyOf, ObjectRef, refOf } from '../lib/manifest';
import { referencesOf, runtimeObjectsOf } from './references';
import { ROLLOUT_COMPLETE } from './rollout-complete';
import { secretManifests } from './secrets';

/** The provider's own await timeout for a Deployment (10 minutes). */
export const DEFAULT_AWAIT_SECONDS = 600;

/** Kubernetes' default `progressDeadlineSeconds` of a Deployment that sets none. */
export const KUBERNETES_PROGRESS_DEADLINE_SECONDS = 600;

/**
 * Two clocks stop a rollout, and they measure different things:
 * - The Deployment's `progressDeadlineSeconds` (read from the manifest) is the stall limit of
 *   each wave: when no new pod of the wave becomes updated or available for that long,
 *   Kubernetes sets Progressing=False/ProgressDeadlineExceeded and the rollout stops for good
 *   (the Deployment reports it; `pulumi up` keeps waiting, its status line showing
 *   `found "ProgressDeadlineExceeded"`, see pulumi/rollout-complete.ts). Image pulls on cold
 *   nodes or surge pods waiting for a node the cluster autoscaler adds are only tolerated while
 *   each such stall stays under that deadline.
 * - Pulumi's timeout (customTimeouts) bounds the whole rollout, all waves together, and is what
 *   fails `pulumi up` (measured: docs/pulumi.md "A broken release"). The rollout
 *   arithmetic counts from the moment pods start; three times its worst case leaves room for
 *   the delays above summed over the waves, and a rollout that keeps progressing slowly still
 *   ends within minutes.
 */
export const AWAIT_SAFETY_FACTOR = 3;

/**
 * The provider awaits an Ingress until every backend Service has endpoints and a load balancer
 * address is set. A backend Service an operator creates at runtime (the apex Service of a Flagger
 * Canary) appears only once its creator is applied, and the Canary is applied after the Ingress
 * (its `ingressRef`): with the default await the Ingress would block the Canary until it timed
 * out. Such an Ingress waits for its load balancer address only: `pulumi.com/waitFor` replaces
 * the provider's default await logic (provider ≥ 4.18.4; the program requires 4.24.0, pulumi/provider-version.ts).
 */
export const LOAD_BALANCER_ADDRESS = 'jsonpath={.status.loadBalancer.ingress}';
export const WAIT_FOR_ANNOTATION = 'pulumi.com/waitFor';

export interface AwaitPlan {
  /** The rollout arithmetic of the construct that wrote the Deployment (HardenedDeployment.rollout). */
  readonly rollout: RolloutPlan;
  /**
   * The Deployment's own `progressDeadlineSeconds` (Kubernetes' 600 s when unset): the longest a
   * wave may make no progress before the rollout, and with it the await, fails.
   */
  readonly stallLimitSeconds: number;
  /**
   * Bound of the whole rollout: max(provider default, safety factor × worst case), and never
   * under the stall limit (Pulumi must not give up before Kubernetes has decided).
   */
  readonly timeoutSeconds: number;
}

export interface ResourcePlan {
  /** `Kind/namespace/name`. */
  readonly key: string;
  readonly ref: ObjectRef;
  /** Pulumi resource name: `<env>-<kind>-<namespace>-<name>` (cluster-scoped: `<env>-<kind>-<name>`). */
  readonly name: string;
  /**
   * The inputs: the synthesized object, plus the initial replica count of HPA-managed workloads
   * and the {@link WAIT_FOR_ANNOTATION} of every Deployment and of an Ingress routing to a
   * runtime-created Service.
   */
  readonly object: ManifestObject;
  /** Keys of referenced objects an operator creates at runtime from an object of the set, sorted. */
  readonly runtimeReferences: readonly string[];
  /** Keys of the resources to create first, sorted. */
  readonly dependsOn: readonly string[];
  /** Fields Pulumi must never reset (`spec.replicas` where an HPA owns the count). */
  readonly ignoreChanges: readonly string[];
  /** Sized await for Deployments with a rolling update in percent. */
  readonly await?: AwaitPlan;
}

export function resourceName(environment: string, object: ManifestObject): string {
  const { name, namespace } = object.metadata;
  return [environment, object.kind, ...(namespace === undefined ? [] : [namespace]), name].join('-').toLowerCase();
}

/**
 * The await budget of a Deployment from the rollout plan its construct computed (at the HPA
 * maximum, the worst case) and the stall limit its manifest sets. A Deployment no construct
 * planned (not a HardenedDeployment) keeps the provider's default.
 */
export function awaitPlanOf(deployment: ManifestObject, rollout: RolloutPlan | undefined): AwaitPlan | undefined {
  if (rollout === undefined) return undefined;
  const stallLimitSeconds: number = (deployment.spec as Json).progressDeadlineSeconds ?? KUBERNETES_PROGRESS_DEADLINE_SECONDS;
  return {
    rollout,
    stallLimitSeconds,
    timeoutSeconds: Math.max(DEFAULT_AWAIT_SECONDS, AWAIT_SAFETY_FACTOR * rollout.worstCaseSeconds, stallLimitSeconds),
  };
}

/** The rollout plans a chart's workloads computed, by the key of their Deployment (`Deployment/namespace/name`). */
export function rolloutPlansOf(chart: Chart): Map<string, RolloutPlan> {
  const workloads = chart.node.findAll().filter((c): c is HardenedDeployment => c instanceof HardenedDeployment);
  return new Map(workloads.map((w) => [keyOf({ kind: 'Deployment', name: w.deployment.name, namespace: chart.namespace }), w.rollout]));
}

/**
 * One plan per object, dependencies first, otherwise in the order given. Throws if two objects would share a key or a resource
 * name (their URNs would collide). `rollouts` (rolloutPlansOf) size the awaits of the Deployments they name.
 */
export function planResources(environment: string, objects: readonly ManifestObject[], rollouts: ReadonlyMap<string, RolloutPlan> = new Map()): ResourcePlan[] {
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const object of objects) {
    const key = keyOf(refOf(object));
    const name = resourceName(environment, object);
    if (keys.has(key) || names.has(name)) throw new Error(`${environment}: two objects are named ${key} (resource ${name}); give one another name.`);
    keys.add(key);
    names.add(name);
  }
  const autoscalers = autoscalersByTarget(objects);
  const runtime = new Set(objects.flatMap(runtimeObjectsOf).map(keyOf));
  const plans = objects.map((object): ResourcePlan => {
    const ref = refOf(object);
    const key = keyOf(ref);
    const references = [...new Set(referencesOf(object, objects).map(keyOf))].filter((k) => k !== key).sort();
    const dependsOn = references.filter((k) => keys.has(k));
    const runtimeReferences = references.filter((k) => runtime.has(k) && !keys.has(k));
    const hpa = autoscalers.get(key);
    // The manifest carries no replicas for an HPA-owned workload (an apply must never reset what
    // the HPA chose). Pulumi creates it at the HPA minimum (928 agents in production, not 1),
    // and `ignoreChanges: ['spec.replicas']` covers every later update. Under server-side apply
    // the provider (correct since 4.9.0, pulumi/provider-version.ts; handleSSAIgnoreFields in
    // pulumi-kubernetes provider/pkg/await/await.go) then either
    // - leaves the field out of the apply when another manager owns it and Pulumi does not
    //   (the HPA after its first scale, manager kube-controller-manager, subresource scale;
    //   Flagger after scaling the canary target to zero): no conflict, and as SSA removes a
    //   dropped field only when no other manager owns it, no reset to 1; or
    // - sends the live value when Pulumi still owns it (the HPA never changed the count): the
    //   count stays as it is and the apply cannot conflict with an owner that does not exist.
    // Conflicts are never forced (no pulumi.com/patchForce), so the one race left (the HPA
    // scales between the provider's read and its apply) fails the update instead of
    // overwriting the HPA's count. Evidence and residual risk: docs/pulumi.md.
    let inputs: ManifestObject = hpa
      ? { ...object, spec: { ...(object.spec as Json), replicas: (hpa.spec as Json).minReplicas } }
      : object;
    const waitFor = object.kind === 'Deployment' ? ROLLOUT_COMPLETE : object.kind === 'Ingress' && runtimeReferences.length > 0 ? LOAD_BALANCER_ADDRESS : undefined;
    if (waitFor !== undefined) {
      const annotations = { ...(object.metadata.annotations as Record<string, string> | undefined), [WAIT_FOR_ANNOTATION]: waitFor };
      inputs = { ...inputs, metadata: { ...inputs.metadata, annotations } };
    }
    const awaitPlan = object.kind === 'Deployment' ? awaitPlanOf(object, rollouts.get(key)) : undefined;
    return {
      key,
      ref,
      name: resourceName(environment, object),
      object: inputs,
      runtimeReferences,
      dependsOn,
      ignoreChanges: hpa ? ['spec.replicas'] : [],
      ...(awaitPlan ? { await: awaitPlan } : {}),
    };
  });
  return dependencyOrder(environment, plans);
}

/**
 * The resources of one stack, in registration order: every synthesized object of the environment
 * and the Secrets the program fills from stack secrets (pulumi/secrets.ts).
 */
export function planStack(synthesized: SynthesizedEnvironment): ResourcePlan[] {
  const { config, chart, objects } = synthesized;
  return planResources(config.environment, [...objects, ...secretManifests(config.namespace)].sort(compareObjects), rolloutPlansOf(chart));
}

/**
 * Plans reordered so each comes after everything it depends on (a resource's dependsOn must
 * exist when it is constructed); otherwise the given (apply) order is kept. Throws on a cycle.
 */
function dependencyOrder(environment: string, plans: readonly ResourcePlan[]): ResourcePlan[] {
  const byKey = new Map(plans.map((p) => [p.key, p]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: ResourcePlan[] = [];
  const visit = (plan: ResourcePlan, path: readonly string[]) => {
    if (done.has(plan.key)) return;
    if (visiting.has(plan.key)) throw new Error(`${environment}: objects depend on each other in a cycle: ${[...path, plan.key].join(' -> ')}`);
    visiting.add(plan.key);
    for (const key of plan.dependsOn) visit(byKey.get(key)!, [...path, plan.key]);
    visiting.delete(plan.key);
    done.add(plan.key);
    ordered.push(plan);
  };
  for (const plan of plans) visit(plan, []);
  return ordered;
}
