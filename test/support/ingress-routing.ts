/** How an ingress controller routes a URL through the synthesized Ingress rules. */
import { ManifestObject } from '../../stacks/synth';
import type { Json } from '../../lib/manifest';

/** The Service `https://host/path` reaches (Exact before Prefix, longest prefix first), if any. */
export function routeOf(objects: readonly ManifestObject[], url: string): string | undefined {
  const { host, pathname } = new URL(url);
  const matching = objects
    .filter((o) => o.kind === 'Ingress')
    .flatMap((o) => (o.spec as Json).rules.filter((r: Json) => r.host === host).flatMap((r: Json) => r.http.paths as Json[]))
    .filter((p) => (p.pathType === 'Exact' ? pathname === p.path : pathname === p.path || pathname.startsWith(`${p.path}/`)))
    .sort((a, b) => Number(b.pathType === 'Exact') - Number(a.pathType === 'Exact') || b.path.length - a.path.length);
  return matching[0]?.backend.service.name;
}
