import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp, propsSubject } from '../invalid';
import { SecretReference } from '../secrets';
import { imageVersion, requirePinnedImage } from './image';
import { ContainerResources } from './component-props';
import { componentLabels, selectorLabels } from './labels';
import { addSchedulingPatches } from './scheduling';
import { DEFAULT_POD_START_SECONDS, DRAIN_COMMAND, PORTS, PROBE_PATHS, RUN_AS_GROUP, RUN_AS_USER, SCRATCH_PATH } from './pod-defaults';
import { planRollout, progressDeadlineSeconds, rollingUpdateProblem, RolloutPlan } from './rollout';

/** Horizontal autoscaling on CPU utilisation. */
export interface AutoscalingProps {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** @default 70 */
  readonly targetCpuUtilizationPercent?: number;
}

/** Props of {@link HardenedDeployment}. */
export interface HardenedDeploymentProps {
  /** Name of the Deployment, its ServiceAccount, PDB, HPA and Service; also the `app` label. */
  readonly name: string;
  /** `app.kubernetes.io/component` value. */
  readonly component: string;
  /** Container image, pinned by tag or digest (`latest` is rejected). */
  readonly image: string;
  readonly resources: ContainerResources;
  /**
   * Fixed replica count. Mutually exclusive with `autoscaling`.
   * @default 2 when `autoscaling` is not set
   */
  readonly replicas?: number;
  /**
   * Let an HPA own the replica count. The Deployment then carries no `spec.replicas`, so an apply
   * never resets what the HPA chose.
   * @default - fixed replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Whether the pod talks to the Kubernetes API (mounts a service-account token).
   * @default false
   */
  readonly apiAccess?: boolean;
  /**
   * Seconds between SIGTERM and SIGKILL; the drain command runs first, inside this budget.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /** @default 25 */
  readonly maxSurgePercent?: number;
  /** @default 0 */
  readonly maxUnavailablePercent?: number;
  /** @default 0 */
  readonly minReadySeconds?: number;
  /**
   * Seconds a new pod may take to become Ready; sizes the start-up probe and, with
   * minReadySeconds, the rollout's progress deadline (see {@link progressDeadlineSeconds}).
   * @default 60
   */
  readonly podStartSeconds?: number;
  /**
   * The target cluster's kube-controller-manager `--kube-api-qps`, for the rollout arithmetic (rollout.ts).
   * @default KUBERNETES_CONTROLLER_API_QPS (20, Kubernetes' default)
   */
  readonly controllerApiQps?: number;
  /** @default - the cluster default priority */
  readonly priorityClassName?: string;
  /**
   * Spread pods over zones as a hard rule (`DoNotSchedule`). Clusters whose nodes carry no zone
   * label (kind, single-zone dev clusters) need `false`, which makes it a preference.
   * @default true
   */
  readonly requireZoneSpread?: boolean;
  /**
   * PodDisruptionBudget `maxUnavailable`: a count, or a percentage string like "4%".
   * @default 1
   */
  readonly maxDisruption?: number | string;
  /** Extra environment variables of the main container. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from Secrets (values never appear in the manifest). @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretReference>>;
  /**
   * The Service named after the workload, exposing `http` and `metrics`. `headless` gives every
   * pod its own DNS record and endpoint (for pools addressed pod by pod), `none` creates none.
   * @default 'cluster-ip'
   */
  readonly service?: 'cluster-ip' | 'headless' | 'none';
  /** Size of the writable /tmp emptyDir in MiB. @default 64 */
  readonly scratchMebibytes?: number;
}

/**
 * A Deployment with everything an AgentasKit workload needs to be safe in production: a
 * ServiceAccount, Pod Security Standards `restricted` settings, probes, resources, graceful
 * drain, zone and node spreading, a PodDisruptionBudget, and optionally an HPA and a Service.
 */
export class HardenedDeployment extends Construct {
  public readonly deployment: kplus.Deployment;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly service?: kplus.Service;
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  public readonly disruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  public readonly name: string;
  /**
   * The rollout arithmetic at the most replicas the Deployment runs (the HPA maximum), from the
   * same values its manifest is written from; the Pulumi program sizes its await by it.
   */
  public readonly rollout: RolloutPlan;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id);
    validate(this, props);
    // The example names this workload's own image, not another component's.
    const image = requirePinnedImage(propsSubject(this), 'image', props.image, `ghcr.io/agentaskit/${props.name}:1.4.2`);
    this.name = props.name;
    const labels = componentLabels(props.name, props.component);
    const podLabels = componentLabels(props.name, props.component, imageVersion(image));
    const podStartSeconds = props.podStartSeconds ?? DEFAULT_POD_START_SECONDS;
    const minReadySeconds = props.minReadySeconds ?? 0;
    const maxSurgePercent = props.maxSurgePercent ?? 25;
    const maxUnavailablePercent = props.maxUnavailablePercent ?? 0;
    const apiAccess = props.apiAccess ?? false;
    const replicas = props.autoscaling ? undefined : props.replicas ?? 2;
    const rolloutReplicas = props.autoscaling?.maxReplicas ?? replicas!;
    this.rollout = planRollout({ replicas: rolloutReplicas, maxSurgePercent, maxUnavailablePercent, podStartSeconds, minReadySeconds, controllerApiQps: props.controllerApiQps });

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, labels },
      automountToken: apiAccess,
    });

    const scratch = kplus.Volume.fromEmptyDir(this, 'Scratch', 'scratch', {
      sizeLimit: Size.mebibytes(props.scratchMebibytes ?? 64),
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name, labels },
      podMetadata: { labels: podLabels },
      // Our own stable selector instead of cdk8s' generated `cdk8s.io/metadata.addr` label.
      select: false,
      replicas,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(maxSurgePercent),
        maxUnavailable: kplus.PercentOrAbsolute.percent(maxUnavailablePercent),
      }),
      minReady: Duration.seconds(minReadySeconds),
      progressDeadline: Duration.seconds(progressDeadlineSeconds(podStartSeconds, minReadySeconds)),
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: apiAccess,
      terminationGracePeriod: Duration.seconds(props.terminationGracePeriodSeconds ?? 30),
      securityContext: {
        ensureNonRoot: true,
        user: RUN_AS_USER,
        group: RUN_AS_GROUP,
        fsGroup: RUN_AS_GROUP,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      volumes: [scratch],
      containers: [
        {
          name: props.name,
          image: props.image,
          // Tags are pinned, so a node's cached copy is the right image; `Always` would make 900
          // pods hit the registry on every reschedule.
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          ports: [
            { name: 'http', number: PORTS.http, protocol: kplus.Protocol.TCP },
            { name: 'metrics', number: PORTS.metrics, protocol: kplus.Protocol.TCP },
          ],
          resources: {
            cpu: { request: kplus.Cpu.millis(props.resources.cpuMillis) },
            memory: {
              request: Size.mebibytes(props.resources.memoryMebibytes),
              limit: Size.mebibytes(props.resources.memoryMebibytes),
            },
          },
          securityContext: {
            ensureNonRoot: true,
            user: RUN_AS_USER,
            group: RUN_AS_GROUP,
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: [kplus.Capability.ALL] },
            seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
          },
          startup: kplus.Probe.fromHttpGet(PROBE_PATHS.readiness, {
            port: PORTS.http,
            periodSeconds: Duration.seconds(5),
            failureThreshold: Math.ceil(podStartSeconds / 5),
          }),
          readiness: kplus.Probe.fromHttpGet(PROBE_PATHS.readiness, {
            port: PORTS.http,
            periodSeconds: Duration.seconds(5),
            failureThreshold: 2,
          }),
          liveness: kplus.Probe.fromHttpGet(PROBE_PATHS.liveness, {
            port: PORTS.http,
            periodSeconds: Duration.seconds(10),
            failureThreshold: 3,
          }),
          lifecycle: { preStop: kplus.Handler.fromCommand([...DRAIN_COMMAND]) },
          volumeMounts: [{ path: SCRATCH_PATH, volume: scratch }],
          envVariables: Object.fromEntries(
            [
              ...Object.entries(props.env ?? {}).map(([key, value]) => [key, kplus.EnvValue.fromValue(value)] as const),
              ...Object.entries(props.secretEnv ?? {}).map(([key, ref]) => [
                key,
                kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, `Secret-${key}`, ref.name), key: ref.key }),
              ] as const),
            ].sort(([a], [b]) => a.localeCompare(b)),
          ),
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selectorLabels(props.name) }));
    addSchedulingPatches(this.deployment, props);

    if (props.autoscaling) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata: { name: props.name, labels },
        target: this.deployment,
        minReplicas: props.autoscaling.minReplicas,
        maxReplicas: props.autoscaling.maxReplicas,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.autoscaling.targetCpuUtilizationPercent ?? 70))],
      });
    }

    this.disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: props.name, labels },
      spec: {
        maxUnavailable: typeof props.maxDisruption === 'string'
          ? kplus.k8s.IntOrString.fromString(props.maxDisruption)
          : kplus.k8s.IntOrString.fromNumber(props.maxDisruption ?? 1),
        selector: { matchLabels: selectorLabels(props.name) },
        // Crash-looping pods must not block node drains.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    const serviceType = props.service ?? 'cluster-ip';
    if (serviceType !== 'none') {
      this.service = new kplus.Service(this, 'Service', {
        metadata: { name: props.name, labels },
        ...(serviceType === 'headless' ? { clusterIP: 'None' } : {}),
        selector: kplus.Pods.select(this, 'Pods', { labels: selectorLabels(props.name) }),
        ports: [
          { name: 'http', port: PORTS.http, targetPort: PORTS.http },
          { name: 'metrics', port: PORTS.metrics, targetPort: PORTS.metrics },
        ],
      });
    }
  }
}

function validate(scope: Construct, props: HardenedDeploymentProps): void {
  const fail = (field: string, value: unknown, fix: string) => invalidProp(scope, field, value, fix);
  if (props.autoscaling && props.replicas !== undefined) {
    fail('replicas', props.replicas, 'set either replicas or autoscaling, not both (the HPA owns the count)');
  }
  if (props.replicas !== undefined && !(Number.isInteger(props.replicas) && props.replicas >= 1)) {
    fail('replicas', props.replicas, 'use a whole number of at least 1');
  }
  if (props.autoscaling) {
    const { minReplicas, maxReplicas } = props.autoscaling;
    if (!(Number.isInteger(minReplicas) && minReplicas >= 1)) fail('autoscaling.minReplicas', minReplicas, 'use a whole number of at least 1');
    if (!(Number.isInteger(maxReplicas) && maxReplicas >= minReplicas)) {
      fail('autoscaling.maxReplicas', maxReplicas, `use a whole number of at least minReplicas (${minReplicas})`);
    }
  }
  if (!(props.resources.cpuMillis > 0)) fail('resources.cpuMillis', props.resources.cpuMillis, 'request a positive amount of CPU');
  if (!(props.resources.memoryMebibytes > 0)) fail('resources.memoryMebibytes', props.resources.memoryMebibytes, 'request a positive amount of memory');
  const surge = props.maxSurgePercent ?? 25;
  const stuck = rollingUpdateProblem(surge, props.maxUnavailablePercent ?? 0);
  if (stuck) fail('maxSurgePercent', surge, stuck);
}
