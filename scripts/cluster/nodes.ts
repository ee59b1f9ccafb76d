/**
 * The live cluster's simulated nodes, from a small typed description. kwok manages every node
 * annotated `kwok.x-k8s.io/node: fake` (its node stages report them Ready and renew their
 * Leases); the scheduler sees them as ordinary nodes in three zones.
 */

export interface NodePoolSpec {
  /** Zones (`topology.kubernetes.io/zone`), each with `nodesPerZone` nodes. */
  readonly zones: readonly string[];
  readonly region: string;
  readonly nodesPerZone: number;
  /** Allocatable per node. */
  readonly cpuMillis: number;
  readonly memoryMebibytes: number;
  readonly maxPods: number;
}

/**
 * Production at the HPA maximum plus surge (1 100 agents + 25 % surge = 1 375 agent pods) and
 * staging and dev beside it fit with room: 24 nodes × 110 pods = 2 640 pods, 768 CPUs, 3 TiB.
 * 02-production-scale checks every node against its allocatable with the real requests.
 */
export const DEFAULT_NODE_POOL: NodePoolSpec = {
  zones: ['zone-a', 'zone-b', 'zone-c'],
  region: 'local-1',
  nodesPerZone: 8,
  cpuMillis: 32_000,
  memoryMebibytes: 128 * 1024,
  maxPods: 110,
};

export const FAKE_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function nodeName(zone: string, index: number): string {
  return `kwok-${zone}-${String(index + 1).padStart(2, '0')}`;
}

/** The Node objects of a pool, in a stable order (zone by zone). */
export function nodeObjects(pool: NodePoolSpec): Record<string, unknown>[] {
  const resources = { cpu: `${pool.cpuMillis}m`, memory: `${pool.memoryMebibytes}Mi`, pods: String(pool.maxPods) };
  return pool.zones.flatMap((zone) =>
    Array.from({ length: pool.nodesPerZone }, (_, i) => {
      const name = nodeName(zone, i);
      return {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          annotations: { [FAKE_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'topology.kubernetes.io/zone': zone,
            'topology.kubernetes.io/region': pool.region,
            type: 'kwok',
          },
        },
        // No kwok taint: the workloads under test must schedule here exactly as they are.
        spec: {},
        status: { allocatable: resources, capacity: resources },
      };
    }),
  );
}

/** Total allocatable of the pool. */
export function poolCapacity(pool: NodePoolSpec): { cpuMillis: number; memoryMebibytes: number; pods: number } {
  const n = pool.zones.length * pool.nodesPerZone;
  return { cpuMillis: n * pool.cpuMillis, memoryMebibytes: n * pool.memoryMebibytes, pods: n * pool.maxPods };
}
