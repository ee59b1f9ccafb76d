import { EnvironmentOverrides } from '../config';

/**
 * Production is the runbook's system exactly (namespace agentaskit-production, 928 agents,
 * api.agentaskit.io): the BASE defaults are production's, so it overrides nothing.
 */
export const production: EnvironmentOverrides = {};
