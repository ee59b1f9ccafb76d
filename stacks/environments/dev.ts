import { EnvironmentOverrides } from '../config';

/** Developer cluster: a small pool, one replica where one is enough, zone labels optional. */
export const dev: EnvironmentOverrides = {
  apiHost: 'api.dev.agentaskit.io',
  tlsSecretName: 'agentaskit-api-dev-tls',
  orchestrator: { minReplicas: 1, maxReplicas: 2, cpuMillis: 100, memoryMebibytes: 256 },
  agentManager: { replicas: 1, cpuMillis: 100, memoryMebibytes: 128 },
  agentWorker: { poolSize: 8, maxReplicas: 16, cpuMillis: 100, memoryMebibytes: 256 },
  zoneSpread: 'preferred',
};
