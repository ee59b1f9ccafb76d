/**
 * The `agentaskit-guarantees` policy pack's policies: the checks of policies.ts applied to every
 * `kubernetes:*` resource of a stack (so they hold for any stack that deploys Kubernetes objects,
 * not only this package's), mandatory.
 */
import { PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { OBJECT_POLICIES, pdbForMultiReplica } from './policies';

export const POLICY_PACK_NAME = 'agentaskit-guarantees';

/** Kubernetes object resources (not providers, not components like `kubernetes:yaml:ConfigGroup`). */
export function isKubernetesObject(type: string): boolean {
  return /^kubernetes:[^:]+\/[^:]+:[^:]+$/.test(type);
}

const resourcePolicies: ResourceValidationPolicy[] = OBJECT_POLICIES.map((policy) => ({
  name: policy.name,
  description: policy.description,
  validateResource: (args, reportViolation) => {
    if (isKubernetesObject(args.type)) policy.validate(args.props).forEach((message) => reportViolation(message));
  },
}));

const pdbPolicy: StackValidationPolicy = {
  name: 'pdb-for-multi-replica',
  description: 'Every workload with more than one replica (or an HPA allowing more) has a PodDisruptionBudget.',
  validateStack: (args, reportViolation) => {
    const objects = args.resources.filter((r) => isKubernetesObject(r.type)).map((r) => r.props);
    pdbForMultiReplica(objects).forEach((message) => reportViolation(message));
  },
};

export const POLICY_PACK_ARGS: PolicyPackArgs = {
  enforcementLevel: 'mandatory',
  policies: [...resourcePolicies, pdbPolicy],
};
