import { EnvironmentOverrides } from '../config';

/** Developer cluster: a small pool, one replica where one is enough, zone labels optional. */
export const dev: EnvironmentOverrides = {
  apiHost: 'api.dev.agentaskit.io',
  tlsSecretName: 'agentaskit-api-dev-tls',
  orchestrator: { minReplicas: 1, maxReplicas: 2, cpuMillis: 100, memoryMebibytes: 256 },
  agentManager: { replicas: 1, cpuMillis: 100, memoryMebibytes: 128 },
  agentWorker: { poolSize: 8, maxReplicas: 16, cpuMillis: 100, memoryMebibytes: 256 },
  zoneSpread: 'preferred',
  // Blue/green without an ingress controller in the loop; the canary sees only the load test.
  // Worst-case rollback: max(120 s window + 3 × 20 s, 120 s deadline + 20 s) = max(180 s, 140 s) = 180 s.
  canary: { provider: 'kubernetes', intervalSeconds: 20, threshold: 3, iterations: 5, progressDeadlineSeconds: 120 },
  // The shared Grafana's dashboards come from production; alerts link to them for this namespace.
  monitoring: { dashboards: 'linked' },
};
