/**
 * The one thing of an ingress controller the live cluster lacks and `pulumi up` waits for: the
 * load balancer address in an Ingress's status. The provider's Ingress await (pulumi-kubernetes
 * provider/pkg/await/ingress.go, `processIngressEvent`: ready once `status.loadBalancer.ingress`
 * is non-empty) and our `pulumi.com/waitFor: jsonpath={.status.loadBalancer.ingress}` on the
 * orchestrator Ingress both need it, so without a controller every first `pulumi up` would wait
 * for the Ingresses until they time out.
 *
 * ingress-nginx publishes the address of its own Service into every Ingress of its class (its
 * status sync, `--publish-service`); here the "controller" publishes 127.0.0.1 into every Ingress
 * of class `nginx` in the given namespaces, through the status subresource, as a controller does.
 * It routes nothing: no request is ever sent to an Ingress on the live cluster.
 */
import { sleep } from '../../scripts/cluster/processes';
import { kubeResult } from './live-cluster';

export const PUBLISHED_ADDRESS = '127.0.0.1';

interface IngressList {
  items: Array<{ metadata: { name: string; namespace: string }; spec?: { ingressClassName?: string }; status?: { loadBalancer?: { ingress?: unknown[] } } }>;
}

/** Publishes the address until the returned stop() is awaited. */
export function publishIngressStatus(namespaces: readonly string[], className = 'nginx', everyMs = 1000): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const ns of namespaces) {
        const res = await kubeResult(['get', 'ingress', '-n', ns, '-o', 'json']);
        if (res.code !== 0) continue;
        for (const ing of (JSON.parse(res.stdout) as IngressList).items) {
          if (ing.spec?.ingressClassName !== className || (ing.status?.loadBalancer?.ingress ?? []).length > 0) continue;
          await kubeResult([
            'patch', 'ingress', ing.metadata.name, '-n', ns, '--subresource=status', '--type=merge', '--field-manager=ingress-status-publisher',
            '-p', JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: PUBLISHED_ADDRESS }] } } }),
          ]);
        }
      }
      await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
