// The public face of the construct library: re-exports only.
export * from './runbook';
export * from './secrets';
export * from './observability/metrics';
export * from './workloads/agent-manager';
export * from './workloads/agent-worker-pool';
export * from './workloads/api-ingress';
export * from './workloads/cluster-scoped';
export * from './workloads/hardened-deployment';
export * from './workloads/image';
export * from './workloads/labels';
export * from './workloads/namespace';
export * from './workloads/network-policies';
export * from './workloads/orchestrator';
export * from './workloads/pod-defaults';
export * from './workloads/rollout';
