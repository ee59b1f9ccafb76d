/**
 * Rules that relate two fields are one predicate each, read by both the config's cross-field
 * checks (stacks/config/cross-field.ts, in the config's field names) and the constructs' validation, like
 * metricWindowProblem: the same boundary and the same fix on both sides.
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryRelease } from '../../lib/delivery/canary-release';
import { stepWeightProblem } from '../../lib/delivery/canary-timing';
import { criticalAgentsLevelProblem, validateRulesConfig } from '../../lib/observability/rules/alert-rules';
import { HardenedDeployment } from '../../lib/workloads/hardened-deployment';
import { Orchestrator } from '../../lib/workloads/orchestrator';
import { rollingUpdateProblem } from '../../lib/workloads/rollout';
import { ConfigError } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { rulesConfigFor } from '../support/rules-config';

const chart = () => new Chart(Testing.app(), 'test', { namespace: 'agentaskit-test' });
/** The fix of the config's one problem, or of the message of whatever `build` throws. */
const configFix = (overrides: object) => {
  try {
    loadEnvironment('dev', overrides);
    return undefined;
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.fix);
  }
};
const thrown = (build: () => unknown) => {
  try {
    build();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('surge and unavailability are not both zero', () => {
  test('the boundary: either alone will do', () => {
    expect(rollingUpdateProblem(0, 1)).toBeUndefined();
    expect(rollingUpdateProblem(1, 0)).toBeUndefined();
    expect(rollingUpdateProblem(0, 0)).toBe('allow some surge or unavailability, or a rollout never progresses');
  });

  test('config and HardenedDeployment give its fix', () => {
    const fix = rollingUpdateProblem(0, 0)!;
    expect(configFix({ agentWorker: { poolSize: 1, maxReplicas: 1, maxSurgePercent: 0, maxUnavailablePercent: 0 } })).toEqual([fix]);
    const deployment = () => new HardenedDeployment(chart(), 'W', { name: 'svc', component: 'api', image: 'ghcr.io/agentaskit/svc:1.4.2', resources: { cpuMillis: 100, memoryMebibytes: 128 }, maxSurgePercent: 0 });
    expect(thrown(deployment)).toContain(`maxSurgePercent = 0: ${fix}.`);
  });
});

describe('the paging level of unhealthy agents is above the degraded level', () => {
  test('the boundary: above passes, equal fails', () => {
    expect(criticalAgentsLevelProblem(5.1, 5)).toBeUndefined();
    expect(criticalAgentsLevelProblem(5, 5)).toBe('use more than thresholds.unhealthyAgentsPercent (5): it is the level beyond the degraded alert that pages');
  });

  test('config and the rules validation give its fix', () => {
    const fix = criticalAgentsLevelProblem(4, 5)!;
    expect(configFix({ alerting: { unhealthyAgentsCriticalPercent: 4 } })).toEqual([fix]);
    expect(thrown(() => validateRulesConfig({ ...rulesConfigFor(loadEnvironment('dev')), unhealthyAgentsCriticalPercent: 4 }))).toContain(`unhealthyAgentsCriticalPercent = 4: ${fix}.`);
  });
});

describe('the canary step is at most its maximum weight', () => {
  test('the boundary: equal passes, one more fails, naming the field as the caller does', () => {
    expect(stepWeightProblem(30, 30)).toBeUndefined();
    expect(stepWeightProblem(31, 30)).toBe('use at most maxWeight (30)');
    expect(stepWeightProblem(31, 30, 'canary.maxWeight')).toBe('use at most canary.maxWeight (30)');
  });

  test('config and CanaryRelease give its fix', () => {
    expect(configFix({ canary: { maxWeight: 30, stepWeight: 31 } })).toEqual([stepWeightProblem(31, 30, 'canary.maxWeight')]);
    const release = (provider: 'nginx' | 'kubernetes') => () => {
      const c = chart();
      const orchestrator = new Orchestrator(c, 'Orchestrator', { image: 'ghcr.io/agentaskit/orchestrator:1.4.2', service: 'canary' });
      return new CanaryRelease(c, 'Canary', {
        targetDeployment: orchestrator.deployment, autoscaler: orchestrator.autoscaler, provider,
        ...(provider === 'nginx' ? { ingress: new kplus.Ingress(c, 'Ingress') } : {}),
        metricsServer: 'http://prometheus.monitoring:9090', loadTesterUrl: 'http://flagger-loadtester.flagger/', maxWeight: 30, stepWeight: 31,
      });
    };
    expect(thrown(release('nginx'))).toContain(`stepWeight = 31: ${stepWeightProblem(31, 30)}.`);
    // The step rule applies to traffic shifting only: a blue/green canary ignores the weights.
    expect(thrown(release('kubernetes'))).toBe('');
  });
});
