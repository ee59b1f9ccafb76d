import { EnvironmentConfig } from './types';

/** Port of the Prometheus Service (kube-prometheus-stack's `prometheus.service.port`). */
export const PROMETHEUS_PORT = 9090;

/** In-cluster URL of the environment's Prometheus, derived from `monitoring` (the canary gates query it). */
export function prometheusUrl(monitoring: EnvironmentConfig['monitoring']): string {
  return `http://${monitoring.prometheusService}.${monitoring.namespace}:${PROMETHEUS_PORT}`;
}
