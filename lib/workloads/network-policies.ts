import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { APP_LABEL, COMPONENTS, ComponentKey } from '../runbook';
import { componentLabels, partOfLabels } from './labels';
import { PORTS, PortName } from './pod-defaults';

/** Pods in another namespace, e.g. the ingress controller or Prometheus. */
export interface ExternalPods {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Props of {@link WorkflowNetworkPolicies}. */
export interface WorkflowNetworkPoliciesProps {
  /** The ingress controller that serves the public API. */
  readonly ingressController: ExternalPods;
  /** The Prometheus that scrapes the `metrics` ports. */
  readonly prometheus: ExternalPods;
  /**
   * Where pods reach the Kubernetes API server. List both the `kubernetes` Service ClusterIP
   * (`kubectl get service kubernetes -n default`) and the API server endpoint IPs
   * (`kubectl get endpoints kubernetes -n default`), each as a /32: CNIs that evaluate egress
   * policy after kube-proxy's DNAT (Calico) see the endpoint IP on :6443, not the ClusterIP.
   * On Cilium an ipBlock matches no API server on the nodes at all (docs/network.md). A
   * NetworkPolicy cannot select the API server by label.
   */
  readonly apiServerCidrs: readonly string[];
  /** @default [443, 6443] */
  readonly apiServerPorts?: readonly number[];
  /**
   * Outside destinations agents may call over HTTPS (model and tool APIs).
   * @default - none: agents talk only to the orchestrator and agent-manager
   */
  readonly agentEgressCidrs?: readonly string[];
  /**
   * `app` label values each component's pods may carry. A progressive-delivery controller runs
   * copies of a workload under other names (Flagger's `orchestrator-primary`), which must be
   * allowed the same traffic.
   * @default - each component's own name
   */
  readonly appLabels?: Partial<Readonly<Record<ComponentKey, readonly string[]>>>;
  /**
   * Flagger's loadtester, which health-checks and loads the orchestrator's canary pods.
   * @default - none: no canary release, no loadtester traffic
   */
  readonly loadTester?: ExternalPods;
}

type Peer = { readonly component: ComponentKey } | { readonly external: ExternalPods } | { readonly cidrs: readonly string[] };

interface Flow {
  readonly from: ComponentKey | 'ingress' | 'prometheus' | 'loadTester';
  readonly to: ComponentKey | 'apiServer' | 'internet';
  readonly port: PortName | 'https' | 'apiServer';
  /**
   * Only the destination's pods under its own `app` name (under Flagger, the canary), not its
   * copies such as `<name>-primary`: they get their own ingress-only policy `<name>-canary`.
   * @default false
   */
  readonly canaryOnly?: boolean;
}

/**
 * Who talks to whom. Every allow rule below is derived from this table, so the architecture
 * is reviewed here, once:
 * - the ingress controller serves the public API from the orchestrator and agent-manager;
 * - the orchestrator hands tasks to the agent-manager and to agents; agents report results and
 *   heartbeats back to both; the agent-manager health-checks agents;
 * - the agent-manager manages agent pods through the Kubernetes API;
 * - agents call outside APIs only where `agentEgressCidrs` allows;
 * - Prometheus scrapes every `metrics` port;
 * - Flagger's loadtester health-checks and loads the orchestrator's canary pods (only those: the
 *   primary serves live traffic), where `loadTester` is given.
 */
const FLOWS: readonly Flow[] = [
  { from: 'ingress', to: 'orchestrator', port: 'http' },
  { from: 'ingress', to: 'agentManager', port: 'http' },
  { from: 'orchestrator', to: 'agentManager', port: 'http' },
  { from: 'orchestrator', to: 'agentWorker', port: 'http' },
  { from: 'agentManager', to: 'agentWorker', port: 'http' },
  { from: 'agentManager', to: 'orchestrator', port: 'http' },
  { from: 'agentWorker', to: 'orchestrator', port: 'http' },
  { from: 'agentWorker', to: 'agentManager', port: 'http' },
  { from: 'agentManager', to: 'apiServer', port: 'apiServer' },
  { from: 'agentWorker', to: 'internet', port: 'https' },
  { from: 'prometheus', to: 'orchestrator', port: 'metrics' },
  { from: 'prometheus', to: 'agentManager', port: 'metrics' },
  { from: 'prometheus', to: 'agentWorker', port: 'metrics' },
  { from: 'loadTester', to: 'orchestrator', port: 'http', canaryOnly: true },
];

const COMPONENT_KEYS = Object.keys(COMPONENTS) as ComponentKey[];

/**
 * Default-deny for the namespace (ingress and egress), DNS for every pod, and one policy per
 * component that allows exactly its flows in {@link FLOWS} (plus `<component>-canary` for its
 * canary-only flows).
 *
 * Written with the L1 `KubeNetworkPolicy`: cdk8s-plus models peers as constructs and cannot
 * express "pods with these labels in the namespace with that name" as a single peer, which is
 * what the ingress-controller and Prometheus rules need.
 */
export class WorkflowNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: WorkflowNetworkPoliciesProps) {
    super(scope, id);
    const labels = partOfLabels();
    const appsOf = (key: ComponentKey) => [...(props.appLabels?.[key] ?? [COMPONENTS[key].name])];
    const selectorOf = (key: ComponentKey) => ({
      matchExpressions: [{ key: APP_LABEL, operator: 'In', values: appsOf(key) }],
    });
    const peerOf = (peer: Peer): kplus.k8s.NetworkPolicyPeer[] => {
      if ('component' in peer) return [{ podSelector: selectorOf(peer.component) }];
      if ('external' in peer) {
        return [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.external.namespace } },
          podSelector: { matchLabels: { ...peer.external.podLabels } },
        }];
      }
      return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    };
    const portsOf = (port: Flow['port']): kplus.k8s.NetworkPolicyPort[] => {
      const numbers = port === 'https' ? [443] : port === 'apiServer' ? [...(props.apiServerPorts ?? [443, 6443])] : [PORTS[port]];
      return numbers.map((n) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(n) }));
    };
    const sourceOf = (from: Flow['from']): Peer | undefined => {
      if (from === 'ingress') return { external: props.ingressController };
      if (from === 'prometheus') return { external: props.prometheus };
      if (from === 'loadTester') return props.loadTester ? { external: props.loadTester } : undefined;
      return { component: from };
    };
    const destinationOf = (to: Flow['to']): Peer | undefined => {
      if (to === 'apiServer') return { cidrs: props.apiServerCidrs };
      if (to === 'internet') return props.agentEgressCidrs?.length ? { cidrs: props.agentEgressCidrs } : undefined;
      return { component: to };
    };

    new kplus.k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new kplus.k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          }],
          ports: ['UDP', 'TCP'].map((protocol) => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(53) })),
        }],
      },
    });

    const ingressOf = (key: ComponentKey, canaryOnly: boolean) =>
      FLOWS.filter((f) => f.to === key && (f.canaryOnly ?? false) === canaryOnly).flatMap((f) => {
        const source = sourceOf(f.from);
        return source ? [{ from: peerOf(source), ports: portsOf(f.port) }] : [];
      });

    for (const key of COMPONENT_KEYS) {
      const name = COMPONENTS[key].name;
      const egress = FLOWS.filter((f) => f.from === key).flatMap((f) => {
        const destination = destinationOf(f.to);
        return destination ? [{ to: peerOf(destination), ports: portsOf(f.port) }] : [];
      });
      new kplus.k8s.KubeNetworkPolicy(this, key, {
        metadata: { name, labels: componentLabels(name, 'network-policy') },
        spec: { podSelector: selectorOf(key), policyTypes: ['Ingress', 'Egress'], ingress: ingressOf(key, false), egress },
      });
      // Allowed in addition to the component's policy (policies add up), for its canary pods only.
      const canaryIngress = ingressOf(key, true);
      if (canaryIngress.length > 0) {
        new kplus.k8s.KubeNetworkPolicy(this, `${key}Canary`, {
          metadata: { name: `${name}-canary`, labels: componentLabels(name, 'network-policy') },
          spec: { podSelector: { matchLabels: { [APP_LABEL]: name } }, policyTypes: ['Ingress'], ingress: canaryIngress },
        });
      }
    }
  }
}
