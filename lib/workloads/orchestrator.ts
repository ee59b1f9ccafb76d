import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COMPONENTS } from '../runbook';
import { SECRETS, SecretReference } from '../secrets';
import { ComponentProps, resourcesOr } from './component-props';
import { HardenedDeployment } from './hardened-deployment';
import { componentLabels } from './labels';
import { PORTS } from './pod-defaults';

/** `app.kubernetes.io/component` of the orchestrator's objects. */
const ORCHESTRATOR_COMPONENT = 'workflow-controller';

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
  /**
   * Who creates Service `orchestrator`. `self`: this construct (selecting `app: orchestrator`).
   * `canary`: a Flagger Canary targets the Deployment and generates Service `orchestrator`
   * (selecting `app: orchestrator-primary`) with `orchestrator-primary` and
   * `orchestrator-canary`; a Service of ours with the same name would be rewritten by Flagger and
   * reverted by every apply, so none is synthesized and {@link Orchestrator.service} is only a
   * handle on the name for the Ingress.
   * @default 'self'
   */
  readonly service?: 'self' | 'canary';
}

/**
 * The orchestrator's HPA bounds with their defaults applied. The construct is built from them and
 * the environment config checks the same values (stacks/config/cross-field.ts), so each default
 * is written once, here.
 */
export function orchestratorReplicas(props: Pick<OrchestratorProps, 'minReplicas' | 'maxReplicas'>): Required<Pick<OrchestratorProps, 'minReplicas' | 'maxReplicas'>> {
  return { minReplicas: props.minReplicas ?? 3, maxReplicas: props.maxReplicas ?? 10 };
}

/**
 * The 7-phase workflow controller: Deployment `orchestrator` (pods `app: orchestrator`), its
 * Service (unless a canary owns it), ServiceAccount (no API token: it never calls the
 * Kubernetes API), HPA and PDB.
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
      component: ORCHESTRATOR_COMPONENT,
      image: props.image,
      resources: resourcesOr({ cpuMillis: 500, memoryMebibytes: 512 }, props.resources),
      autoscaling: { ...orchestratorReplicas(props), targetCpuUtilizationPercent: props.targetCpuUtilizationPercent ?? 70 },
      // In-flight API requests and phase transitions finish within this window.
      terminationGracePeriodSeconds: 60,
      requireZoneSpread: props.requireZoneSpread ?? true,
      env: props.env ?? {},
      secretEnv: { ADMIN_TOKEN: props.adminTokenSecret ?? SECRETS.adminToken },
      service: props.service === 'canary' ? 'none' : 'cluster-ip',
    });
    this.deployment = this.workload.deployment;
    this.service = this.workload.service ?? generatedServiceHandle();
    this.autoscaler = this.workload.autoscaler!;
  }
}

/**
 * Service `orchestrator` as Flagger generates it (port `http`), defined in an App of its own that
 * is never synthesized: cdk8s-plus builds an Ingress backend only from a Service object, and this
 * gives the Ingress one without emitting a manifest that would fight Flagger over the Service.
 */
function generatedServiceHandle(): kplus.Service {
  const name = COMPONENTS.orchestrator.name;
  const references = new Chart(new App(), 'References');
  return new kplus.Service(references, name, {
    metadata: { name, labels: componentLabels(name, ORCHESTRATOR_COMPONENT) },
    ports: [{ name: 'http', port: PORTS.http, targetPort: PORTS.http }],
  });
}
