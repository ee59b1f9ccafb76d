/**
 * A ready-to-use live cluster: the control plane (control-plane.ts), its simulated nodes Ready,
 * and the CRDs our objects need, taken from the Go modules of the projects that own them at the
 * releases we pin (read from the module cache, never copied into the repo).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ClusterOptions, ClusterState, down, up } from './control-plane';
import { getJson, kubectl, mustKubectl } from './kubectl';
import { nodeObjects } from './nodes';
import { waitFor } from './processes';
import { goModuleDir } from './tools';

/** CRD sources: the releases the package's imports/ were generated from. */
export const CRD_SOURCES = [
  { module: 'github.com/fluxcd/flagger', version: 'v1.44.0', wrapper: 'flagger', files: ['artifacts/flagger/crd.yaml'] },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.93.0',
    wrapper: 'prometheus-operator',
    // Every CRD of the operator's bundle (as its Helm chart installs them), not only the four we use.
    dir: 'example/prometheus-operator-crd',
  },
] as const;

export function crdFiles(): string[] {
  return CRD_SOURCES.flatMap((s) => {
    const root = goModuleDir(s.module, s.version, s.wrapper);
    if ('files' in s) return s.files.map((f) => path.join(root, f));
    const dir = path.join(root, s.dir);
    return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
  });
}

interface NodeList {
  items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }>;
}

export function readyNodes(kubeconfig: string): string[] {
  return getJson<NodeList>(kubeconfig, ['nodes'])
    .items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((n) => n.metadata.name);
}

/** Starts a cluster and waits until its nodes are Ready and the CRDs established. */
export async function startCluster(opts: ClusterOptions = {}): Promise<ClusterState> {
  const log = opts.log ?? (() => undefined);
  const state = await up(opts);
  try {
    const t = Date.now();
    const nodes = nodeObjects(state.nodes);
    mustKubectl(state.kubeconfig, ['apply', '--server-side', '-f', '-'], { input: nodes.map((n) => stringify(n)).join('---\n') });
    // CRDs are large (the Prometheus one is ~800 kB): server-side apply has no annotation limit.
    for (const file of crdFiles()) mustKubectl(state.kubeconfig, ['apply', '--server-side', '-f', file]);
    mustKubectl(state.kubeconfig, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await waitFor(`${nodes.length} nodes Ready`, () => readyNodes(state.kubeconfig).length === nodes.length, 60_000);
    // Pods need their namespace's ServiceAccount admission to work: wait for the token machinery.
    await waitFor('ServiceAccount default/default', async () => (await kubectl(state.kubeconfig, ['get', 'serviceaccount', 'default', '-n', 'default'])).code === 0, 60_000);
    const timings = { ...state.timings, nodesAndCrds: (Date.now() - t) / 1000 };
    const ready = { ...state, timings: { ...timings, total: state.timings.total + timings.nodesAndCrds } };
    fs.writeFileSync(path.join(state.dir, 'state.json'), JSON.stringify(ready, null, 2) + '\n');
    log(`cluster ${state.name} ready: ${state.version}, ${nodes.length} nodes, ${state.server}`);
    return ready;
  } catch (e) {
    await down(state.dir);
    throw e;
  }
}
