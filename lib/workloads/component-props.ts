/**
 * What the component constructs (Orchestrator, AgentManager, AgentWorkerPool) share: their common
 * props and how a component's default resources fill what its caller leaves out. HardenedDeployment
 * (hardened-deployment.ts), which each builds on, takes the resolved values.
 */
/** Requests and limits of the main container. */
export interface ContainerResources {
  /** CPU request in millicores. No CPU limit is set: throttling hurts latency and CPU is compressible. */
  readonly cpuMillis: number;
  /** Memory request and limit in MiB. They are equal: memory is not compressible, and it avoids OOM surprises. */
  readonly memoryMebibytes: number;
}

/** Props every AgentasKit component construct (orchestrator, agent-manager, agent pool) shares. */
export interface ComponentProps {
  /** Container image, pinned by tag or digest (`latest` is rejected). */
  readonly image: string;
  /** Each resource left out is the component's own default, documented on the component. @default - the component's */
  readonly resources?: Partial<ContainerResources>;
  /** @default true (see HardenedDeploymentProps.requireZoneSpread) */
  readonly requireZoneSpread?: boolean;
  /** Extra environment variables of the main container. @default - none */
  readonly env?: Readonly<Record<string, string>>;
}

/** `given`, with each resource it leaves out taken from the component's `defaults`. */
export function resourcesOr(defaults: ContainerResources, given: Partial<ContainerResources> = {}): ContainerResources {
  return { cpuMillis: given.cpuMillis ?? defaults.cpuMillis, memoryMebibytes: given.memoryMebibytes ?? defaults.memoryMebibytes };
}
