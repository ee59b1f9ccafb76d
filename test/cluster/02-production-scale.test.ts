/**
 * Production at scale on the live control plane: the real HPA controller raises the worker
 * Deployment (which has no spec.replicas) to the pool size, the real scheduler places 928 agents
 * across three zones under our spread constraints, and the real disruption and EndpointSlice
 * controllers report what our PDBs and Services promise.
 */
import { loadEnvironment } from '../../stacks/environments';
import { applyEnvironment, deployment, eventually, kubeJson, LIVE, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { synthesizeEnvironment } from '../../stacks/synth';

const config = loadEnvironment('production');
// Sizes as built: the config leaves out what the constructs default.
const built = synthesizeEnvironment(config).chart;
const ORCHESTRATORS = built.orchestrator.autoscaler.minReplicas;
const MANAGERS = built.agentManager.deployment.replicas!;
const ns = namespaceOf('production');
const POOL = config.agentWorker.poolSize;

interface Pod {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: Array<{ resources?: { requests?: Record<string, string> } }> };
  status: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}
interface Node {
  metadata: { name: string; labels: Record<string, string> };
  status: { allocatable: Record<string, string> };
}

const ready = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const pods = (selector: string, namespace = ns) => kubeJson<{ items: Pod[] }>(['pods', '-n', namespace, '-l', selector]).items;

function cpuMillis(q: string | undefined): number {
  if (!q) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
function mebibytes(q: string | undefined): number {
  if (!q) return 0;
  const units: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
  const m = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`unexpected memory quantity ${q}`);
  return Number(m[1]) * (m[2] ? units[m[2]] : 1 / (1024 * 1024));
}

beforeAll(() => {
  expect(applyEnvironment('production').code).toBe(0); // idempotent: the state 01-apply left
});

describe('production at scale', () => {
  it(`the HPA controller raises agent-worker (no spec.replicas in the manifest) to ${POOL} and all ${POOL} agents become Ready`, async () => {
    const created = Date.parse(kubeJson<{ metadata: { creationTimestamp: string } }>(['deployment', 'agent-worker', '-n', ns]).metadata.creationTimestamp);
    await eventually(`${POOL} Ready agent-worker pods`, () => (rolledOut(deployment(ns, 'agent-worker')) && deployment(ns, 'agent-worker').spec.replicas === POOL ? true : undefined), 10 * 60_000, 1000);
    const seconds = (Date.now() - created) / 1000;
    const hpa = kubeJson<{ status: { desiredReplicas: number; currentReplicas: number } }>(['hpa', 'agent-worker', '-n', ns]);
    expect(hpa.status.desiredReplicas).toBe(POOL);
    expect(pods('app=agent-worker').filter(ready)).toHaveLength(POOL);
    report('production scale', { poolSize: POOL, secondsFromApplyToAllReady: Number(seconds.toFixed(1)), podStartSeconds: LIVE.podStartSeconds });
  });

  it('the agents spread evenly across the three zones (skew ≤ 1) and by node, and no node is over its allocatable', () => {
    const nodes = new Map(kubeJson<{ items: Node[] }>(['nodes']).items.map((n) => [n.metadata.name, n]));
    const agents = pods('app=agent-worker');
    const perZone = new Map<string, number>();
    const perNode = new Map<string, number>();
    for (const p of agents) {
      const node = nodes.get(p.spec.nodeName ?? '');
      expect(node).toBeDefined();
      const zone = node!.metadata.labels['topology.kubernetes.io/zone'];
      perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
      perNode.set(node!.metadata.name, (perNode.get(node!.metadata.name) ?? 0) + 1);
    }
    expect(perZone.size).toBe(3);
    const zoneCounts = [...perZone.values()];
    expect(Math.max(...zoneCounts) - Math.min(...zoneCounts)).toBeLessThanOrEqual(1);
    const nodeCounts = [...nodes.keys()].map((n) => perNode.get(n) ?? 0);
    expect(Math.max(...nodeCounts) - Math.min(...nodeCounts)).toBeLessThanOrEqual(1);

    const all = kubeJson<{ items: Pod[] }>(['pods', '--all-namespaces']).items.filter((p) => p.spec.nodeName);
    for (const [name, node] of nodes) {
      const onNode = all.filter((p) => p.spec.nodeName === name);
      const cpu = onNode.flatMap((p) => p.spec.containers).reduce((s, c) => s + cpuMillis(c.resources?.requests?.cpu), 0);
      const mem = onNode.flatMap((p) => p.spec.containers).reduce((s, c) => s + mebibytes(c.resources?.requests?.memory), 0);
      expect(onNode.length).toBeLessThanOrEqual(Number(node.status.allocatable.pods));
      expect(cpu).toBeLessThanOrEqual(cpuMillis(node.status.allocatable.cpu));
      expect(mem).toBeLessThanOrEqual(mebibytes(node.status.allocatable.memory));
    }
    report('production spread', { perZone: Object.fromEntries([...perZone].sort()), podsPerNode: `${Math.min(...nodeCounts)}–${Math.max(...nodeCounts)}` });
  });

  it('orchestrator and agent-manager are rolled out and Ready at their configured sizes', async () => {
    for (const [name, replicas] of [
      ['orchestrator', ORCHESTRATORS],
      ['agent-manager', MANAGERS],
    ] as const) {
      const d = await eventually(`${name} rolled out`, () => {
        const dep = deployment(ns, name);
        return rolledOut(dep) ? dep : undefined;
      }, 120_000);
      expect(d.status.readyReplicas).toBe(replicas);
    }
  });

  it('every PDB reports the disruptions we intended', async () => {
    // The disruption controller scales a percentage maxUnavailable up (GetScaledValueFromIntOrPercent
    // with roundUp=true, pkg/controller/disruption): 4 % of 928 allows 38 agents down at once.
    const intended: Record<string, { expectedPods: number; disruptionsAllowed: number }> = {
      'agent-worker': { expectedPods: POOL, disruptionsAllowed: Math.ceil((POOL * 4) / 100) },
      'agent-manager': { expectedPods: MANAGERS, disruptionsAllowed: 1 },
      orchestrator: { expectedPods: ORCHESTRATORS, disruptionsAllowed: 1 },
      // Flagger's orchestrator-primary pods do not exist until Flagger initializes the canary.
      'orchestrator-primary': { expectedPods: 0, disruptionsAllowed: 0 },
    };
    for (const [name, want] of Object.entries(intended)) {
      const pdb = await eventually(`PDB ${name} status`, () => {
        const p = kubeJson<{ status: { expectedPods: number; disruptionsAllowed: number; currentHealthy: number } }>(['pdb', name, '-n', ns]);
        return p.status.expectedPods === want.expectedPods && p.status.currentHealthy === want.expectedPods ? p : undefined;
      }, 60_000);
      expect({ name, expectedPods: pdb.status.expectedPods, disruptionsAllowed: pdb.status.disruptionsAllowed }).toEqual({ name, ...want });
    }
    expect(intended['agent-worker'].disruptionsAllowed / POOL).toBeLessThan(config.thresholds.unhealthyAgentsPercent / 100);
  });

  it('every Service we ship has ready endpoints in its EndpointSlices (Service orchestrator is Flagger\'s and not ours)', async () => {
    const services = kubeJson<{ items: Array<{ metadata: { name: string } }> }>(['services', '-n', ns]).items.map((s) => s.metadata.name).sort();
    expect(services).toEqual(['agent-manager', 'agent-worker']);
    const expected: Record<string, number> = { 'agent-manager': MANAGERS, 'agent-worker': POOL };
    for (const svc of services) {
      await eventually(`EndpointSlices of ${svc}`, () => {
        const slices = kubeJson<{ items: Array<{ endpoints?: Array<{ conditions?: { ready?: boolean } }> }> }>(['endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${svc}`]).items;
        const readyEndpoints = slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
        return readyEndpoints === expected[svc] ? true : undefined;
      }, 120_000);
    }
  });
});
