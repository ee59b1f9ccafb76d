import * as pulumi from '@pulumi/pulumi';
import { CANARY_NAME, DASHBOARDS, DashboardKey } from '../lib/runbook';
import { SynthesizedEnvironment } from '../stacks/synth';
import { runbookCanaryTiming } from './canary-wait';
import { resourceClassFor } from './resource-class';
import { planStack, ResourcePlan } from './resource-plan';
import { SecretValues, secretStringData } from './secrets';

export interface WorkflowStackArgs {
  /** The environment's synthesized chart (stacks/synth.ts): the one source of the objects. */
  readonly synthesized: SynthesizedEnvironment;
  /** Values of the Secrets the package references, as Pulumi secrets. */
  readonly secrets: SecretValues;
}

/**
 * One environment of the workflow system as Pulumi resources: every object the cdk8s chart
 * synthesizes, and the referenced Secrets, is its own child resource with a stable name
 * (`<env>-<kind>-<namespace>-<name>`), so `pulumi preview` diffs object by object and URNs do not
 * change between runs. Ordering, HPA-owned replica counts and rollout await come from
 * {@link planResources}.
 */
export class WorkflowStack extends pulumi.ComponentResource {
  /** What was registered, in registration order. */
  public readonly plans: readonly ResourcePlan[];
  /** The child resources by object key (`Kind/namespace/name`). */
  public readonly resources: ReadonlyMap<string, pulumi.CustomResource>;
  public readonly namespace: string;
  /** Names of the Deployments, sorted. */
  public readonly deployments: readonly string[];
  /** The runbook's Flagger canary (`CANARY_NAME`), which every environment synthesizes. */
  public readonly canaryName: string;
  /**
   * How long a pipeline waits after `pulumi up` for the canary's verdict on a new orchestrator
   * revision: the canary's timing value as its CanaryRelease computed it (pulumi/canary-wait.ts).
   */
  public readonly canaryAnalysisTimeoutSeconds: number;
  /** `https://<apiHost>`; the runbook's calls are under it (`/api/v1/...`). */
  public readonly apiUrl: string;
  public readonly dashboardUrls: Readonly<Record<DashboardKey, string>>;

  constructor(name: string, args: WorkflowStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('agentaskit:deploy:WorkflowStack', name, {}, opts);
    const { config, objects } = args.synthesized;
    this.plans = planStack(args.synthesized);

    const resources = new Map<string, pulumi.CustomResource>();
    for (const plan of this.plans) {
      const { apiVersion, kind, metadata } = plan.object;
      const stringData = apiVersion === 'v1' && kind === 'Secret' ? secretStringData(metadata.name, args.secrets) : undefined;
      const Resource = resourceClassFor(apiVersion, kind);
      resources.set(plan.key, new Resource(plan.name, stringData ? { ...plan.object, stringData } : plan.object, {
        parent: this,
        dependsOn: plan.dependsOn.map((key) => resources.get(key)!),
        ...(plan.ignoreChanges.length > 0 ? { ignoreChanges: [...plan.ignoreChanges] } : {}),
        ...(plan.await ? { customTimeouts: { create: `${plan.await.timeoutSeconds}s`, update: `${plan.await.timeoutSeconds}s` } } : {}),
      }));
    }
    this.resources = resources;

    this.namespace = config.namespace;
    this.deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort();
    // The runbook's commands name the canary; an output naming one that is not deployed would mislead.
    this.canaryAnalysisTimeoutSeconds = runbookCanaryTiming(args.synthesized).wait.timeoutSeconds;
    this.canaryName = CANARY_NAME;
    this.apiUrl = `https://${config.apiHost}`;
    this.dashboardUrls = Object.fromEntries(
      (Object.keys(DASHBOARDS) as DashboardKey[]).map((key) => [key, `${config.grafanaUrl}/d/${DASHBOARDS[key].uid}`]),
    ) as Record<DashboardKey, string>;
    this.registerOutputs({
      namespace: this.namespace,
      deployments: this.deployments,
      canaryName: this.canaryName,
      canaryAnalysisTimeoutSeconds: this.canaryAnalysisTimeoutSeconds,
      apiUrl: this.apiUrl,
      dashboardUrls: this.dashboardUrls,
    });
  }
}
