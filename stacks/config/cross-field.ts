import { canaryTimingSettings, stepWeightProblem } from '../../lib/delivery/canary-timing';
import { metricWindowProblem } from '../../lib/delivery/metric-templates';
import { criticalAgentsLevelProblem } from '../../lib/observability/rules/alert-rules';
import { rollbackBudgetProblem } from '../../lib/delivery/rollback-budget';
import { SCRAPE_INTERVAL_SECONDS } from '../../lib/metrics-contract';
import { agentPoolTiming } from '../../lib/workloads/agent-worker-pool';
import { orchestratorReplicas } from '../../lib/workloads/orchestrator';
import { rollingUpdateProblem, rolloutDeadlineProblem } from '../../lib/workloads/rollout';
import { PRODUCTION_AGENT_POOL_SIZE, THRESHOLDS } from '../../lib/runbook';
import { Problem } from '../../lib/invalid';
import { EnvironmentConfig } from './types';

/**
 * Relations between fields that single-field rules cannot express. A field left out is checked
 * at the construct's default, through the construct's own function that applies it.
 */
export function crossFieldProblems(config: EnvironmentConfig): Problem[] {
  const problems: Problem[] = [];
  const atLeast = (path: string, value: number, minPath: string, min: number) => {
    if (value < min) problems.push({ path, value, fix: `use at least ${minPath} (${min})` });
  };
  const orchestrator = orchestratorReplicas(config.orchestrator ?? {});
  atLeast('orchestrator.maxReplicas', orchestrator.maxReplicas, 'orchestrator.minReplicas', orchestrator.minReplicas);
  atLeast('agentWorker.maxReplicas', config.agentWorker.maxReplicas, 'agentWorker.poolSize', config.agentWorker.poolSize);
  const { maxSurgePercent, maxUnavailablePercent, podStartSeconds, minReadySeconds } = agentPoolTiming(config.agentWorker);
  const stuck = rollingUpdateProblem(maxSurgePercent, maxUnavailablePercent);
  if (stuck) problems.push({ path: 'agentWorker.maxSurgePercent', value: maxSurgePercent, fix: stuck });
  // The pool's rollout must fit the runbook's rollback target; checked here so the message names
  // the config's fields (AgentWorkerPool checks the same, in its own prop names).
  const tooSlow = rolloutDeadlineProblem(
    { replicas: config.agentWorker.maxReplicas, maxSurgePercent, maxUnavailablePercent, podStartSeconds, minReadySeconds },
    THRESHOLDS.rollbackSeconds,
    { maxSurgePercent: 'agentWorker.maxSurgePercent', maxUnavailablePercent: 'agentWorker.maxUnavailablePercent', podStartSeconds: 'agentWorker.podStartSeconds' },
  );
  if (tooSlow) {
    problems.push({ path: 'agentWorker', value: { maxReplicas: config.agentWorker.maxReplicas, maxSurgePercent, maxUnavailablePercent, podStartSeconds }, fix: `the pool's rollout at agentWorker.maxReplicas: ${tooSlow}` });
  }
  const canary = canaryTimingSettings(config.canary);
  const step = stepWeightProblem(canary.stepWeight, canary.maxWeight, 'canary.maxWeight');
  if (step) problems.push({ path: 'canary.stepWeight', value: canary.stepWeight, fix: step });
  const window = metricWindowProblem(canary.metricWindowSeconds, SCRAPE_INTERVAL_SECONDS);
  if (window) problems.push({ path: 'canary.metricWindowSeconds', value: canary.metricWindowSeconds, fix: window });
  const rollback = rollbackBudgetProblem(canary);
  if (rollback) {
    const { intervalSeconds, threshold, metricWindowSeconds, progressDeadlineSeconds } = canary;
    problems.push({ path: 'canary', value: { intervalSeconds, threshold, metricWindowSeconds, progressDeadlineSeconds }, fix: rollback });
  }
  if (config.environment === 'production' && config.agentWorker.poolSize !== PRODUCTION_AGENT_POOL_SIZE) {
    problems.push({ path: 'agentWorker.poolSize', value: config.agentWorker.poolSize, fix: `production runs the runbook's ${PRODUCTION_AGENT_POOL_SIZE}-agent pool; change the runbook first` });
  }
  const critical = criticalAgentsLevelProblem(config.alerting.unhealthyAgentsCriticalPercent, config.thresholds.unhealthyAgentsPercent);
  if (critical) problems.push({ path: 'alerting.unhealthyAgentsCriticalPercent', value: config.alerting.unhealthyAgentsCriticalPercent, fix: critical });
  return problems;
}
