import { EnvironmentOverrides } from '../config';

/** Pre-production: production's shape and guarantees at a tenth of its pool. */
export const staging: EnvironmentOverrides = {
  apiHost: 'api.staging.agentaskit.io',
  tlsSecretName: 'agentaskit-api-staging-tls',
  orchestrator: { minReplicas: 2, maxReplicas: 4 },
  agentWorker: { poolSize: 96, maxReplicas: 128 },
  // The canary runs exactly as in production (nginx traffic shifting, 270 s worst-case rollback),
  // so a release is rehearsed on the path it will take there.
  // The shared Grafana's dashboards come from production; alerts link to them for this namespace.
  monitoring: { dashboards: 'linked' },
};
