import { EnvironmentOverrides } from '../config';

/** Pre-production: production's shape and guarantees at a tenth of its pool. */
export const staging: EnvironmentOverrides = {
  apiHost: 'api.staging.agentaskit.io',
  tlsSecretName: 'agentaskit-api-staging-tls',
  orchestrator: { minReplicas: 2, maxReplicas: 4 },
  agentWorker: { poolSize: 96, maxReplicas: 128 },
};
