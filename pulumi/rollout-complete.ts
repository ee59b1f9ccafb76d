/**
 * When `pulumi up` may call a Deployment's update done: when its rollout is complete, exactly as
 * `kubectl rollout status` decides (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go,
 * DeploymentStatusViewer): the controller has observed the new generation, every replica runs the
 * new template, no old replica is left and every replica is available.
 *
 * Why not the provider's own Deployment await (pulumi-kubernetes provider/pkg/await/deployment.go,
 * measured on 4.25.0): it can return a release before the controller has even seen it. The
 * awaiter subscribes to a per-namespace shared informer (pkg/await/informers/factory.go:
 * `Factories.ForNamespace` caches one factory per namespace for the provider process, and
 * `Unsubscribe` never stops it). When another Deployment of the same namespace started that
 * informer earlier in the same `pulumi up` (a release updates agent-manager, agent-worker and
 * orchestrator together), subscribing replays the informer's cache, which can still hold the
 * object from before the patch. `waitUntilDeploymentControllerReconciles` (deployment.go:352-389)
 * accepts any object whose `status.observedGeneration` equals its own `metadata.generation`, so
 * that pre-patch copy passes; the next event, the patched object the controller has not yet
 * seen, is then processed without an observedGeneration check for apps/v1 (deployment.go:476-491
 * checks it for extensions/v1beta1 only). It still carries the old revision annotation, so the
 * update does not count as a rollout (`changeTriggeredRollout`, :711-717), the old ReplicaSet is
 * Ready and `Progressing` still says NewReplicaSetAvailable from the last rollout: "Deployment
 * initialization complete" within 2 s while the controller goes on replacing 928 agents.
 *
 * `pulumi.com/waitFor` replaces that logic (metadata.ReadyCondition, pkg/metadata/overrides.go:
 * the annotation takes precedence over the built-in await since provider 4.18.4). Its JSONPath
 * conditions (pkg/await/condition/jsonpath.go) watch an observer seeded with the object the
 * patch returned, which ignores older generations (condition/observer.go `Observe`), and are
 * only evaluated once `status.observedGeneration` has reached `metadata.generation`. Two
 * conditions, both required, checked in this order:
 *
 * 1. `Progressing` says NewReplicaSetAvailable. Not enough alone (a release back to a template
 *    whose ReplicaSet still exists keeps the last rollout's reason, sync.go `getNewReplicaSet`
 *    sets a reason only when none is recorded), but while it is false the provider's status line
 *    shows what Kubernetes says instead (`found "ReplicaSetUpdated"`, `found
 *    "ProgressDeadlineExceeded"`).
 * 2. The replica counts of a complete rollout, compared with the live `spec.replicas` (the HPA's
 *    count): updated, total and available all equal to it; or a Deployment scaled to zero (the
 *    canary target after Flagger's promotion), whose status carries no counts at all.
 *
 * The expression language is RFC 9535 JSONPath (github.com/theory/jsonpath, used for waitFor since
 * pulumi/pulumi-kubernetes#3658, first released in 4.24.0). Two limits of the versions we run, both
 * measured against provider 4.25.0's own parser (pkg/jsonpath `Parse`): a single `=` splits the
 * expression from its expected value, so a filter may use `==` but never `!=`, `<=` or `>=`
 * (fixed upstream in 4.34.0); and theory/jsonpath v0.9.0 rejects three `&&` terms in a row
 * ("unexpected '&'"), so every conjunction is nested in parentheses.
 */

/** Step 1: what Kubernetes says about the rollout. */
export const PROGRESSING_NEW_REPLICA_SET_AVAILABLE = 'jsonpath={.status.conditions[?@.type=="Progressing"].reason}=NewReplicaSetAvailable';

const all = (...terms: string[]): string => terms.reduceRight((rest, term) => `(${term} && ${rest})`);

/** Step 2: selects the Available condition only while the rollout is complete. */
export const REPLICAS_ROLLED_OUT =
  'jsonpath={.status.conditions[?' +
  all(
    '@.type=="Available"',
    '@.status=="True"',
    '$.metadata.generation==$.status.observedGeneration',
    `($.spec.replicas==0 || ${all('$.status.updatedReplicas==$.spec.replicas', '$.status.replicas==$.spec.replicas', '$.status.availableReplicas==$.spec.replicas')})`,
  ) +
  ']}';

/** The `pulumi.com/waitFor` value of every Deployment: a JSON array, all conditions required. */
export const ROLLOUT_COMPLETE = JSON.stringify([PROGRESSING_NEW_REPLICA_SET_AVAILABLE, REPLICAS_ROLLED_OUT]);
