import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COMPONENTS } from '../runbook';
import { SECRETS, SecretReference } from '../secrets';
import { ComponentProps, HardenedDeployment } from './hardened-deployment';

/** Props of {@link Orchestrator}. Default resources: 500 millicores CPU, 512 MiB memory. */
export interface OrchestratorProps extends ComponentProps {
  /** @default 3 — one per zone, so a zone loss never stops workflow progress */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** @default 70 */
  readonly targetCpuUtilizationPercent?: number;
  /**
   * Secret with the bearer token the admin endpoints accept (the runbook's manual phase
   * advance), exposed to the container as ADMIN_TOKEN.
   * @default SECRETS.adminToken
   */
  readonly adminTokenSecret?: SecretReference;
}

/**
 * The 7-phase workflow controller: Deployment `orchestrator` (pods `app: orchestrator`), its
 * Service, ServiceAccount (no API token: it never calls the Kubernetes API), HPA and PDB.
 */
export class Orchestrator extends Construct {
  public readonly workload: HardenedDeployment;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly autoscaler: kplus.HorizontalPodAutoscaler;

  constructor(scope: Construct, id: string, props: OrchestratorProps) {
    super(scope, id);
    this.workload = new HardenedDeployment(this, 'Workload', {
      name: COMPONENTS.orchestrator.name,
      component: 'workflow-controller',
      image: props.image,
      resources: props.resources ?? { cpuMillis: 500, memoryMebibytes: 512 },
      autoscaling: {
        minReplicas: props.minReplicas ?? 3,
        maxReplicas: props.maxReplicas ?? 10,
        targetCpuUtilizationPercent: props.targetCpuUtilizationPercent ?? 70,
      },
      // In-flight API requests and phase transitions finish within this window.
      terminationGracePeriodSeconds: 60,
      requireZoneSpread: props.requireZoneSpread ?? true,
      env: props.env ?? {},
      secretEnv: { ADMIN_TOKEN: props.adminTokenSecret ?? SECRETS.adminToken },
    });
    this.deployment = this.workload.deployment;
    this.service = this.workload.service!;
    this.autoscaler = this.workload.autoscaler!;
  }
}
