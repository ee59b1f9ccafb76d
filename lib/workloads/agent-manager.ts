import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COMPONENTS } from '../runbook';
import { ComponentProps, HardenedDeployment } from './hardened-deployment';
import { componentLabels } from './labels';

/** Props of {@link AgentManager}. Default resources: 250 millicores CPU, 256 MiB memory. */
export interface AgentManagerProps extends ComponentProps {
  /** @default 2 — one active, one standby */
  readonly replicas?: number;
  /** Name of the worker Deployment (and its HPA) the manager may scale. @default 'agent-worker' */
  readonly workerDeploymentName?: string;
}

/**
 * The agent-manager: Deployment `agent-manager`, Service, PDB, and a ServiceAccount bound to a
 * Role that allows exactly the runbook's agent management and nothing more.
 */
export class AgentManager extends Construct {
  public readonly workload: HardenedDeployment;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly role: kplus.k8s.KubeRole;

  constructor(scope: Construct, id: string, props: AgentManagerProps) {
    super(scope, id);
    const name = COMPONENTS.agentManager.name;
    const worker = props.workerDeploymentName ?? COMPONENTS.agentWorker.name;
    this.workload = new HardenedDeployment(this, 'Workload', {
      name,
      component: 'agent-manager',
      image: props.image,
      replicas: props.replicas ?? 2,
      resources: props.resources ?? { cpuMillis: 250, memoryMebibytes: 256 },
      apiAccess: true,
      terminationGracePeriodSeconds: 30,
      requireZoneSpread: props.requireZoneSpread ?? true,
      env: props.env ?? {},
    });
    this.deployment = this.workload.deployment;
    this.service = this.workload.service!;

    const labels = componentLabels(name, 'agent-manager');
    // The rules are written out literally: RBAC is reviewed rule by rule, and each one maps to a
    // runbook action. Nothing cluster-scoped, no wildcards, no secrets.
    this.role = new kplus.k8s.KubeRole(this, 'Role', {
      metadata: { name, labels },
      rules: [
        {
          // Watch the pool, label unhealthy agents (`status=unhealthy`) and delete them
          // ("Restart unhealthy agent pods").
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get', 'list', 'watch', 'patch', 'delete'],
        },
        {
          // "Scale up healthy agents": the scale subresource of the worker Deployment only.
          apiGroups: ['apps'],
          resources: ['deployments/scale'],
          resourceNames: [worker],
          verbs: ['get', 'update', 'patch'],
        },
        {
          // Read the pool's rollout state.
          apiGroups: ['apps'],
          resources: ['deployments'],
          resourceNames: [worker],
          verbs: ['get'],
        },
        {
          // The HPA owns the worker count; a lasting scale-up raises its floor.
          apiGroups: ['autoscaling'],
          resources: ['horizontalpodautoscalers'],
          resourceNames: [worker],
          verbs: ['get', 'patch'],
        },
      ],
    });
    new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      // The API server requires the namespace of a ServiceAccount subject.
      subjects: [{ kind: 'ServiceAccount', name: this.workload.serviceAccount.name, namespace: requireNamespace(this) }],
    });
  }
}

function requireNamespace(scope: Construct): string {
  const namespace = Chart.of(scope).namespace;
  if (!namespace) {
    throw new Error(`${scope.node.path}: AgentManager needs a namespaced chart. Fix: create its Chart with { namespace: "<namespace>" }.`);
  }
  return namespace;
}
