import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from '../invalid';
import { COMPONENTS } from '../runbook';
import { ComponentProps, resourcesOr } from './component-props';
import { HardenedDeployment } from './hardened-deployment';
import { componentLabels } from './labels';

/**
 * Name of the `coordination.k8s.io` Lease the agent-manager replicas elect their leader with
 * (client-go `leaderelection` with a LeaseLock, in the pod's own namespace). The Role grants
 * get/update/patch on this Lease only, and the container receives it as
 * {@link LEADER_ELECTION_LEASE_ENV}, so the image never hard-codes a name the Role must match.
 */
export const AGENT_MANAGER_LEADER_LEASE = COMPONENTS.agentManager.name;

/** Environment variable carrying {@link AGENT_MANAGER_LEADER_LEASE} into the agent-manager container. */
export const LEADER_ELECTION_LEASE_ENV = 'LEADER_ELECTION_LEASE';

/** Props of {@link AgentManager}. Default resources: 250 millicores CPU, 256 MiB memory. */
export interface AgentManagerProps extends ComponentProps {
  /**
   * @default 2 — one active (holder of Lease {@link AGENT_MANAGER_LEADER_LEASE}), one standby
   * that takes over when the lease expires
   */
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
    if (props.env?.[LEADER_ELECTION_LEASE_ENV] !== undefined) {
      invalidProp(this, `env.${LEADER_ELECTION_LEASE_ENV}`, props.env[LEADER_ELECTION_LEASE_ENV], `remove it: the construct sets it to "${AGENT_MANAGER_LEADER_LEASE}", the only Lease its Role may update`);
    }
    this.workload = new HardenedDeployment(this, 'Workload', {
      name,
      component: 'agent-manager',
      image: props.image,
      replicas: props.replicas ?? 2,
      resources: resourcesOr({ cpuMillis: 250, memoryMebibytes: 256 }, props.resources),
      apiAccess: true,
      terminationGracePeriodSeconds: 30,
      requireZoneSpread: props.requireZoneSpread ?? true,
      env: { ...props.env, [LEADER_ELECTION_LEASE_ENV]: AGENT_MANAGER_LEADER_LEASE },
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
          // ("Restart unhealthy agent pods"). RBAC cannot narrow this to agent pods: it authorizes
          // by verb, resource, namespace and name, never by label, and pod names are generated.
          // The Role therefore reaches every pod of the namespace (orchestrator pods included).
          // Restricting it to `app=agent-worker` would take a ValidatingAdmissionPolicy matching
          // this ServiceAccount's pod UPDATE/DELETE requests on `oldObject.metadata.labels.app`;
          // not built here: the namespace holds only this package's three workloads.
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get', 'list', 'watch', 'patch', 'delete'],
        },
        {
          // Read the pool's rollout state. No write on `deployments/scale`: the HPA owns the
          // worker count and reverts any replica change within one sync period.
          apiGroups: ['apps'],
          resources: ['deployments'],
          resourceNames: [worker],
          verbs: ['get'],
        },
        {
          // "Scale up healthy agents": the only lasting scale-up raises the HPA's minReplicas.
          apiGroups: ['autoscaling'],
          resources: ['horizontalpodautoscalers'],
          resourceNames: [worker],
          verbs: ['get', 'patch'],
        },
        {
          // Leader election between the replicas ("one active, one standby"): without it both
          // would restart and scale agents at once. `create` cannot be limited by resourceNames
          // (the name is in the request body, which RBAC does not see), so the first replica may
          // create any Lease in the namespace; reading and renewing is limited to ours.
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['create'],
        },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [AGENT_MANAGER_LEADER_LEASE],
          verbs: ['get', 'update', 'patch'],
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
  // The RoleBinding's ServiceAccount subject must name its namespace.
  if (!namespace) invalidProp(scope, 'namespace', namespace, 'create its Chart with { namespace: "<namespace>" }');
  return namespace;
}
