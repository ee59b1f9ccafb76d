import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { API_PATHS, COMPONENTS } from '../runbook';
import { partOfLabels } from './labels';
import { PORTS } from './pod-defaults';

/** Props of {@link ApiIngress}. */
export interface ApiIngressProps {
  /** Public host of the API, e.g. `api.agentaskit.io`. */
  readonly host: string;
  /** Secret (type kubernetes.io/tls) holding the host's certificate. */
  readonly tlsSecretName: string;
  /** @default 'nginx' */
  readonly className?: string;
  readonly orchestratorService: kplus.Service;
  readonly agentManagerService: kplus.Service;
  /** Extra annotations on both Ingresses (e.g. cert-manager issuer). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Routes the runbook's API endpoints on the public host:
 * `/api/v1/health/workflows` and `/api/v1/workflows/*` to the orchestrator,
 * `/api/v1/agents/*` to the agent-manager.
 *
 * One Ingress per backend rather than one with both: a canary controller (Flagger's nginx
 * provider) clones the Ingress that points at the canary target, and must clone only the
 * orchestrator's routes. The ingress controller merges both Ingresses on the same host.
 */
export class ApiIngress extends Construct {
  public readonly orchestrator: kplus.Ingress;
  public readonly agentManager: kplus.Ingress;

  constructor(scope: Construct, id: string, props: ApiIngressProps) {
    super(scope, id);
    const tls = [{ hosts: [props.host], secret: kplus.Secret.fromSecretName(this, 'Tls', props.tlsSecretName) }];
    const make = (name: string, service: kplus.Service, routes: { path: string; pathType: kplus.HttpIngressPathType }[]) =>
      new kplus.Ingress(this, name, {
        metadata: {
          name,
          labels: { app: name, ...partOfLabels() },
          ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
        },
        className: props.className ?? 'nginx',
        tls,
        rules: routes.map(({ path, pathType }) => ({
          host: props.host,
          path,
          pathType,
          backend: kplus.IngressBackend.fromService(service, { port: PORTS.http }),
        })),
      });

    this.orchestrator = make(COMPONENTS.orchestrator.name, props.orchestratorService, [
      { path: API_PATHS.workflowsHealth, pathType: kplus.HttpIngressPathType.EXACT },
      { path: API_PATHS.workflows, pathType: kplus.HttpIngressPathType.PREFIX },
    ]);
    this.agentManager = make(COMPONENTS.agentManager.name, props.agentManagerService, [
      { path: API_PATHS.agents, pathType: kplus.HttpIngressPathType.PREFIX },
    ]);
  }
}
