import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from '../invalid';
import { COMPONENTS, NAMESPACE_PREFIX, THRESHOLDS } from '../runbook';
import { ComponentProps, resourcesOr } from './component-props';
import { HardenedDeployment } from './hardened-deployment';
import { clusterScoped } from './cluster-scoped';
import { componentLabels } from './labels';
import { DEFAULT_POD_START_SECONDS } from './pod-defaults';
import { MAX_AGENT_POOL_PODS, MAX_AGENT_POOL_REASON, rolloutDeadlineProblem, RolloutPlan } from './rollout';

/** Seconds a new agent must stay Ready before it counts (the pool's default minReadySeconds). */
export const AGENT_MIN_READY_SECONDS = 10;

/** Props of {@link AgentWorkerPool}. Default resources: 250 millicores CPU, 512 MiB memory. */
export interface AgentWorkerPoolProps extends ComponentProps {
  /**
   * Agents the pool always keeps: the HPA minimum. Required: a reusable construct has no right
   * size (the runbook's production pool is PRODUCTION_AGENT_POOL_SIZE, 928). At most
   * MAX_AGENT_POOL_PODS.
   */
  readonly poolSize: number;
  /** HPA maximum. @default 20% above poolSize */
  readonly maxReplicas?: number;
  /** @default 70 */
  readonly targetCpuUtilizationPercent?: number;
  /**
   * Longest an agent task may run. The grace period is this plus 30 s, so a pod that is
   * drained (rollout, node drain, scale-down) finishes its in-flight task before it is killed.
   * @default 600
   */
  readonly maxTaskSeconds?: number;
  /** @default 25 */
  readonly maxSurgePercent?: number;
  /** @default 10 */
  readonly maxUnavailablePercent?: number;
  /** Seconds a new agent takes to become Ready. @default DEFAULT_POD_START_SECONDS (60) */
  readonly podStartSeconds?: number;
  /** @default AGENT_MIN_READY_SECONDS (10) */
  readonly minReadySeconds?: number;
  /**
   * Longest a full rollout (or rollback) may take; construction fails if the surge and
   * unavailability budgets cannot replace maxReplicas pods within it.
   * @default 300 (the runbook's "rollback completes in <5 minutes")
   */
  readonly rolloutDeadlineSeconds?: number;
  /**
   * The target cluster's kube-controller-manager `--kube-api-qps`: the ReplicaSet controller
   * creates and deletes the pool's pods at this rate, part of the rollout's duration (rollout.ts).
   * @default KUBERNETES_CONTROLLER_API_QPS (20, Kubernetes' default)
   */
  readonly controllerApiQps?: number;
  /**
   * PDB maxUnavailable in percent. Kept below the runbook's 5% unhealthy-agents threshold so a
   * node drain never looks like a degraded pool.
   * @default 4
   */
  readonly maxDisruptionPercent?: number;
  /** @default `<namespace>-agent-worker` (`agentaskit-agent-worker` in a chart without a namespace) */
  readonly priorityClassName?: string;
  /** @default 100000 */
  readonly priority?: number;
}

/** The props that time the pool's rollout and drain. */
export type AgentPoolTimingProps = Pick<AgentWorkerPoolProps, 'maxSurgePercent' | 'maxUnavailablePercent' | 'podStartSeconds' | 'minReadySeconds' | 'maxTaskSeconds'>;

/**
 * The pool's rollout budget and drain with their defaults applied. The pool is built from them,
 * and the environment config checks the same values under its own field names
 * (stacks/config/cross-field.ts), so each default is written once, here.
 */
export function agentPoolTiming(props: AgentPoolTimingProps): Required<AgentPoolTimingProps> {
  return {
    maxSurgePercent: props.maxSurgePercent ?? 25,
    maxUnavailablePercent: props.maxUnavailablePercent ?? 10,
    podStartSeconds: props.podStartSeconds ?? DEFAULT_POD_START_SECONDS,
    minReadySeconds: props.minReadySeconds ?? AGENT_MIN_READY_SECONDS,
    maxTaskSeconds: props.maxTaskSeconds ?? 600,
  };
}

/**
 * The agent pool: Deployment `agent-worker` (pods `app: agent-worker`) owned by an HPA whose
 * minimum is the pool size, spread over zones and nodes, drained gracefully, protected by a PDB
 * and a PriorityClass, with a rollout sized to finish inside the runbook's rollback target.
 */
export class AgentWorkerPool extends Construct {
  public readonly workload: HardenedDeployment;
  public readonly deployment: kplus.Deployment;
  public readonly autoscaler: kplus.HorizontalPodAutoscaler;
  public readonly priorityClass: kplus.k8s.KubePriorityClass;
  /** The rollout arithmetic at maxReplicas (the worst case). */
  public readonly rollout: RolloutPlan;
  /** Seconds a new agent takes to become Ready, as built (the alert rules' start budget). */
  public readonly podStartSeconds: number;

  constructor(scope: Construct, id: string, props: AgentWorkerPoolProps) {
    super(scope, id);
    const name = COMPONENTS.agentWorker.name;
    const poolSize = props.poolSize;
    const maxReplicas = props.maxReplicas ?? Math.ceil(poolSize * 1.2);
    const { maxSurgePercent, maxUnavailablePercent, podStartSeconds, minReadySeconds, maxTaskSeconds } = agentPoolTiming(props);
    const deadline = props.rolloutDeadlineSeconds ?? THRESHOLDS.rollbackSeconds;
    const maxDisruptionPercent = props.maxDisruptionPercent ?? 4;

    // Checked here under the names the caller used, before HardenedDeployment sees them as HPA bounds.
    if (poolSize === undefined) invalidProp(this, 'poolSize', poolSize, 'set the number of agents the pool always keeps (the HPA minimum), e.g. { poolSize: 50 }');
    if (!(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= MAX_AGENT_POOL_PODS)) {
      invalidProp(this, 'poolSize', poolSize, `use a whole number of agents from 1 to ${MAX_AGENT_POOL_PODS}: ${MAX_AGENT_POOL_REASON}`);
    }
    if (!(Number.isInteger(maxReplicas) && maxReplicas >= poolSize && maxReplicas <= MAX_AGENT_POOL_PODS)) {
      invalidProp(this, 'maxReplicas', maxReplicas, `use a whole number from poolSize (${poolSize}) to ${MAX_AGENT_POOL_PODS}: ${MAX_AGENT_POOL_REASON}`);
    }
    const budget = { replicas: maxReplicas, maxSurgePercent, maxUnavailablePercent, podStartSeconds, minReadySeconds, controllerApiQps: props.controllerApiQps };
    const tooSlow = rolloutDeadlineProblem(budget, deadline, { maxSurgePercent: 'maxSurgePercent', maxUnavailablePercent: 'maxUnavailablePercent', podStartSeconds: 'podStartSeconds' });
    if (tooSlow) invalidProp(this, 'rollout budget', { maxReplicas, maxSurgePercent, maxUnavailablePercent, podStartSeconds }, `the pool's rollout at maxReplicas: ${tooSlow}`);
    if (!(maxDisruptionPercent > 0 && maxDisruptionPercent < THRESHOLDS.unhealthyAgentsPercent)) {
      invalidProp(this, 'maxDisruptionPercent', maxDisruptionPercent, `use a value above 0 and below the runbook's ${THRESHOLDS.unhealthyAgentsPercent}% unhealthy-agents threshold, so drains never page`);
    }
    if (!(Number.isInteger(maxTaskSeconds) && maxTaskSeconds > 0)) invalidProp(this, 'maxTaskSeconds', maxTaskSeconds, 'use a whole number of seconds above 0');

    // PriorityClasses are cluster-scoped: the namespace in the name keeps environments sharing a
    // cluster apart.
    const priorityClassName = props.priorityClassName ?? `${Chart.of(this).namespace ?? NAMESPACE_PREFIX}-${name}`;
    this.priorityClass = clusterScoped(new kplus.k8s.KubePriorityClass(this, 'PriorityClass', {
      metadata: { name: priorityClassName, labels: componentLabels(name, 'agent-worker') },
      value: props.priority ?? 100000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'AgentasKit agent pool: schedules ahead of best-effort and batch work so the pool keeps its size.',
    }));

    this.workload = new HardenedDeployment(this, 'Workload', {
      name,
      component: 'agent-worker',
      image: props.image,
      resources: resourcesOr({ cpuMillis: 250, memoryMebibytes: 512 }, props.resources),
      autoscaling: { minReplicas: poolSize, maxReplicas, targetCpuUtilizationPercent: props.targetCpuUtilizationPercent ?? 70 },
      terminationGracePeriodSeconds: maxTaskSeconds + 30,
      maxSurgePercent,
      maxUnavailablePercent,
      minReadySeconds,
      podStartSeconds,
      controllerApiQps: props.controllerApiQps,
      priorityClassName,
      requireZoneSpread: props.requireZoneSpread ?? true,
      maxDisruption: `${maxDisruptionPercent}%`,
      // Agents are addressed one by one (health checks, task dispatch), not load-balanced.
      service: 'headless',
      env: props.env ?? {},
    });
    this.deployment = this.workload.deployment;
    this.autoscaler = this.workload.autoscaler!;
    this.rollout = this.workload.rollout;
    this.podStartSeconds = podStartSeconds;
  }
}
