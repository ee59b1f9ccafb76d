import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { clusterScoped } from './cluster-scoped';
import { partOfLabels } from './labels';
import { propsSubject } from '../invalid';
import { requireDnsLabel } from './names';

/** Props of {@link WorkflowNamespace}. */
export interface WorkflowNamespaceProps {
  /** Namespace name, e.g. `agentaskit-production`. */
  readonly name: string;
  /** Pod Security Standards version the labels pin. @default 'v1.28' */
  readonly podSecurityVersion?: string;
  /** Extra labels (e.g. for policy or cost allocation). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A namespace that admits only pods meeting Pod Security Standards `restricted`: enforced,
 * audited and warned on, pinned to a version so a cluster upgrade cannot loosen or tighten it.
 */
export class WorkflowNamespace extends Construct {
  public readonly namespace: kplus.Namespace;

  constructor(scope: Construct, id: string, props: WorkflowNamespaceProps) {
    super(scope, id);
    const version = props.podSecurityVersion ?? 'v1.28';
    const podSecurity: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      podSecurity[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      podSecurity[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    this.namespace = clusterScoped(new kplus.Namespace(this, 'Namespace', {
      metadata: {
        name: requireDnsLabel(propsSubject(this), 'name', props.name),
        labels: { ...props.labels, ...partOfLabels(), ...podSecurity },
      },
    }));
  }
}
