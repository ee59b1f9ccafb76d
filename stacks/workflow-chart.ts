import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryRelease } from '../lib/delivery/canary-release';
import { AgentManager } from '../lib/workloads/agent-manager';
import { AgentWorkerPool } from '../lib/workloads/agent-worker-pool';
import { ComponentProps, ContainerResources } from '../lib/workloads/component-props';
import { ApiIngress } from '../lib/workloads/api-ingress';
import { WorkflowNamespace } from '../lib/workloads/namespace';
import { WorkflowNetworkPolicies } from '../lib/workloads/network-policies';
import { Orchestrator } from '../lib/workloads/orchestrator';
import { COMPONENTS } from '../lib/runbook';
import { appLabelValues } from '../lib/workloads/labels';
import { EscalationRouting } from '../lib/observability/escalation-routing';
import { WorkloadPodMonitor } from '../lib/observability/pod-monitors';
import { WorkflowAlertRules } from '../lib/observability/workflow-alert-rules';
import { rulesConfigOf } from './alerting';
import { EnvironmentConfig, prometheusUrl } from './config';
import { DashboardConfigMaps } from '../lib/observability/dashboard-config-maps';

/**
 * One environment of the workflow system: namespace, the three workloads, network isolation,
 * the API ingress, the runbook's dashboards, the orchestrator's Flagger canary, and the
 * PodMonitors, alert rules and escalation routing that watch it all. Maps the operational config
 * onto construct props; holds no defaults of its own (those live in the constructs and in
 * stacks/config/base.ts).
 */
export class WorkflowChart extends Chart {
  public readonly config: EnvironmentConfig;
  public readonly orchestrator: Orchestrator;
  public readonly agentManager: AgentManager;
  public readonly agentWorkers: AgentWorkerPool;
  public readonly canary: CanaryRelease;
  public readonly alertRules: WorkflowAlertRules;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, props: Omit<ChartProps, 'namespace'> = {}) {
    super(scope, id, { ...props, namespace: config.namespace });
    this.config = config;
    const requireZoneSpread = config.zoneSpread === 'required';

    new WorkflowNamespace(this, 'Namespace', { name: config.namespace, labels: { 'agentaskit.io/environment': config.environment } });

    this.orchestrator = new Orchestrator(this, 'Orchestrator', {
      image: config.images.orchestrator,
      ...componentProps(config.orchestrator),
      requireZoneSpread,
      // Released through the Flagger canary below, which generates Service `orchestrator`.
      service: 'canary',
    });
    this.agentManager = new AgentManager(this, 'AgentManager', { image: config.images.agentManager, ...componentProps(config.agentManager), requireZoneSpread });
    this.agentWorkers = new AgentWorkerPool(this, 'AgentWorkers', { image: config.images.agentWorker, ...componentProps(config.agentWorker), requireZoneSpread });

    new WorkflowNetworkPolicies(this, 'NetworkPolicies', {
      ingressController: { namespace: config.network.ingressControllerNamespace, podLabels: config.network.ingressControllerPodLabels },
      prometheus: { namespace: config.monitoring.namespace, podLabels: config.monitoring.prometheusPodLabels },
      apiServerCidrs: config.network.apiServerCidrs,
      agentEgressCidrs: config.network.agentEgressCidrs,
      // The orchestrator is released through a Flagger canary: its primary copy needs the same traffic.
      appLabels: { orchestrator: appLabelValues(COMPONENTS.orchestrator.name, { progressiveDelivery: true }) },
      // ... and its canary pods take the loadtester's health checks and load test.
      loadTester: { namespace: config.canary.loadTester.namespace, podLabels: config.canary.loadTester.podLabels },
    });
    const apiIngress = new ApiIngress(this, 'ApiIngress', {
      host: config.apiHost,
      tlsSecretName: config.tlsSecretName,
      className: config.network.ingressClassName,
      orchestratorService: this.orchestrator.service,
      agentManagerService: this.agentManager.service,
    });

    // Dashboards: the runbook's three Grafana dashboards, for the Grafana sidecar, from the one
    // environment that ships them (monitoring.dashboards); the others link to them.
    if (config.monitoring.dashboards === 'ship') {
      // Loaded here, not imported: the Grafana SDK is a third of what synthesis loads, and only
      // the shipping environment needs it (`npm run synth -- --env dev` never loads it).
      const { buildDashboards } = require('../lib/observability/dashboards') as typeof import('../lib/observability/dashboards');
      const dashboards = buildDashboards({ namespace: config.namespace, agentPoolSize: config.agentWorker.poolSize, thresholds: config.thresholds });
      new DashboardConfigMaps(this, 'Dashboards', { dashboards: Object.values(dashboards), labels: config.monitoring.selectorLabels });
    }

    // Progressive delivery of the orchestrator: Flagger canary `agentaskit-canary` (docs/canary.md).
    // The section names the timing props as CanaryRelease does; only the loadtester is an address here.
    const { loadTester, ...timing } = config.canary;
    this.canary = new CanaryRelease(this, 'Canary', {
      targetDeployment: this.orchestrator.deployment,
      autoscaler: this.orchestrator.autoscaler,
      ...timing,
      ...(timing.provider === 'nginx' ? { ingress: apiIngress.orchestrator } : {}),
      errorRatePercent: config.thresholds.errorRatePercent,
      latencyP99Milliseconds: config.thresholds.latencyP99Milliseconds,
      metricsServer: prometheusUrl(config.monitoring),
      loadTesterUrl: `http://${loadTester.serviceName}.${loadTester.namespace}/`,
    });

    // Observability (issue #3): a PodMonitor per component, WF-001's rules and its escalation.
    const selectorLabels = config.monitoring.selectorLabels;
    // progressiveDelivery: Flagger runs the component's pods as primary and canary; its monitor selects both.
    const monitored = [
      { id: 'OrchestratorPodMonitor', component: COMPONENTS.orchestrator.name, progressiveDelivery: true },
      { id: 'AgentManagerPodMonitor', component: COMPONENTS.agentManager.name, progressiveDelivery: false },
      { id: 'AgentWorkerPodMonitor', component: COMPONENTS.agentWorker.name, progressiveDelivery: false },
    ] as const;
    for (const { id, component, progressiveDelivery } of monitored) {
      new WorkloadPodMonitor(this, id, { component, appLabelValues: appLabelValues(component, { progressiveDelivery }), selectorLabels });
    }
    const built = { canary: this.canary.timing, agentPodStartSeconds: this.agentWorkers.podStartSeconds };
    this.alertRules = new WorkflowAlertRules(this, 'AlertRules', { ...rulesConfigOf(config, built), selectorLabels });
    new EscalationRouting(this, 'EscalationRouting', { selectorLabels });
  }
}

/**
 * A component's config section as the props of its construct. The sections name their fields as
 * the props do (stacks/config/schema.ts), so they pass as they are, the resources grouped as
 * ComponentProps takes them; a field left out stays undefined, and the construct's default applies.
 * test/stacks/config-flow.test.ts proves that every field of a section reaches the manifest.
 */
function componentProps<S extends Partial<ContainerResources>>(section: S | undefined): Omit<S, keyof ContainerResources> & Pick<ComponentProps, 'resources'> {
  const { cpuMillis, memoryMebibytes, ...props } = section ?? ({} as S);
  return { ...props, resources: { cpuMillis, memoryMebibytes } };
}
