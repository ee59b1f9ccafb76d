// The public face of the construct library: re-exports only.
// Shared facts: the runbook's values, the Secrets, the metrics contract (read by observability and delivery alike).
export * from './metrics-contract';
export * from './error-ratio';
export * from './promql';
export * from './runbook';
export * from './secrets';
export * from './invalid';
export * from './yaml';

// Workloads: the orchestrator, agent-manager and agent pool, and what every environment needs around them.
export * from './workloads/agent-manager';
export * from './workloads/agent-worker-pool';
export * from './workloads/api-ingress';
export * from './workloads/cluster-scoped';
export * from './workloads/component-props';
export * from './workloads/hardened-deployment';
export * from './workloads/image';
export * from './workloads/labels';
export * from './workloads/names';
export * from './workloads/namespace';
export * from './workloads/network-policies';
export * from './workloads/orchestrator';
export * from './workloads/pod-defaults';
export * from './workloads/rollout';

// Observability: the metrics contract, scraping, WF-001's rules, escalation and dashboards.
export * from './observability/metrics-doc';
export * from './observability/pod-monitors';
export * from './observability/alerts';
export * from './observability/slo';
export * from './observability/runbook-links';
export * from './observability/rules';
export * from './observability/rules/rules-config';
export * from './observability/workflow-alert-rules';
export * from './observability/alert-routing';
export * from './observability/escalation-routing';
export * from './observability/dashboard-config-maps';
export * from './observability/dashboards';

// Delivery: the Flagger canary of the orchestrator.
export * from './delivery/canary-release';
export * from './delivery/canary-timing';
export * from './delivery/metric-templates';
export * from './delivery/rollback-budget';
