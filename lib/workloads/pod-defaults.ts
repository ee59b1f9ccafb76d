import { APP_BIN_DIR } from '../runbook';

/**
 * The container contract every AgentasKit image follows (documented in the README):
 * HTTP API and probes on `http`, Prometheus metrics on `metrics`, a drain command in /app/bin.
 */
export const PORTS = {
  http: 8080,
  metrics: 9090,
} as const;

export type PortName = keyof typeof PORTS;

/**
 * Seconds a pod may take to become Ready unless a workload says otherwise (`podStartSeconds`): the
 * startup probe gives up after it (failureThreshold × 5 s) and the container is restarted.
 */
export const DEFAULT_POD_START_SECONDS = 60;

export const PROBE_PATHS = {
  /** Process is alive; failing it restarts the container. */
  liveness: '/livez',
  /** Ready for traffic and work; failing it removes the pod from Service endpoints. */
  readiness: '/readyz',
} as const;

/** Non-root identity for every container (PSS restricted requires runAsNonRoot). */
export const RUN_AS_USER = 10001;
export const RUN_AS_GROUP = 10001;

/**
 * Run by the kubelet before SIGTERM: stop taking new work and return when in-flight work is done
 * (or the grace period ends). Images ship it next to the runbook's /app/bin tools.
 */
export const DRAIN_COMMAND: readonly string[] = [`${APP_BIN_DIR}/drain`];

/** The only writable path in the otherwise read-only root filesystem. */
export const SCRATCH_PATH = '/tmp';
