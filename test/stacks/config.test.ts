import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE, ConfigError, ENVIRONMENTS, resolveEnvironment } from '../../stacks/config';
import { dashboardShippingProblems, ENVIRONMENT_OVERRIDES, loadEnvironment } from '../../stacks/environments';
import { synthesizeEnvironment } from '../../stacks/synth';
import { main } from '../../stacks/main';

/** The error `resolveEnvironment` throws for these overrides (fails the test if none is thrown). */
function errorFor(environment: string, override: unknown): ConfigError {
  try {
    resolveEnvironment(environment, override);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(override)} to be rejected`);
}

describe('environments', () => {
  test.each(ENVIRONMENTS)('%s resolves and validates', (name) => {
    const config = loadEnvironment(name);
    expect(config.environment).toBe(name);
    expect(config.namespace).toBe(`agentaskit-${name}`);
  });

  test('production is the runbook system: 928 agents in agentaskit-production on api.agentaskit.io', () => {
    const config = loadEnvironment('production');
    expect([config.namespace, config.agentWorker.poolSize, config.apiHost]).toEqual(['agentaskit-production', 928, 'api.agentaskit.io']);
    expect(config.thresholds).toEqual({ errorRatePercent: 1, latencyP99Milliseconds: 200, unhealthyAgentsPercent: 5, phasePendingSeconds: 300 });
  });

  test('dev and staging are scaled down', () => {
    for (const name of ['dev', 'staging']) expect(loadEnvironment(name).agentWorker.poolSize).toBeLessThan(928);
  });

  test('config is frozen', () => {
    expect(Object.isFrozen(loadEnvironment('dev').agentWorker)).toBe(true);
  });
});

describe('bad configuration stops with the environment, field, value and fix', () => {
  test('fails when the environment is unknown', () => {
    expect(() => loadEnvironment('prod')).toThrow(
      'Invalid configuration for environment "prod":\n  - environment = "prod": use one of dev, staging, production.',
    );
  });

  test.each([
    ['zero replicas', { agentManager: { replicas: 0 } }, 'agentManager.replicas = 0: use a whole number of at least 1'],
    ['negative pool size', { agentWorker: { poolSize: -5 } }, 'agentWorker.poolSize = -5: use a whole number from 1 to 75000'],
    ['fractional replicas', { orchestrator: { minReplicas: 1.5 } }, 'orchestrator.minReplicas = 1.5: use a whole number of at least 1'],
    ['HPA max below min', { orchestrator: { minReplicas: 4, maxReplicas: 3 } }, 'orchestrator.maxReplicas = 3: use at least orchestrator.minReplicas (4)'],
    ['a pool far beyond one cluster', { agentWorker: { poolSize: 100000, maxReplicas: 100000 } }, 'agentWorker.poolSize = 100000: use a whole number from 1 to 75000: a rollout can hold every replaced agent, still draining, next to its replacement (2 × the pool), and Kubernetes supports at most 150000 pods per cluster'],
    ['a pool rollout over the rollback target', { agentWorker: { maxSurgePercent: 5, maxUnavailablePercent: 0 } }, 'agentWorker = {"maxReplicas":1100,"maxSurgePercent":5,"maxUnavailablePercent":0,"podStartSeconds":60}: the pool\'s rollout at agentWorker.maxReplicas: replacing 1100 pods takes 20 waves of 55 pods × 70 s = 1400 s, over the 300 s rollback target; raise agentWorker.maxSurgePercent (5) or agentWorker.maxUnavailablePercent (0), or lower agentWorker.podStartSeconds (60)'],
    ['worker max below pool', { agentWorker: { poolSize: 10, maxReplicas: 9 } }, 'agentWorker.maxReplicas = 9: use at least agentWorker.poolSize (10)'],
    ['a latest image', { images: { agentWorker: 'ghcr.io/agentaskit/agent-worker:latest' } }, 'images.agentWorker = "ghcr.io/agentaskit/agent-worker:latest": the image uses the moving tag "latest"'],
    ['an untagged image', { images: { orchestrator: 'ghcr.io/agentaskit/orchestrator' } }, 'images.orchestrator = "ghcr.io/agentaskit/orchestrator": the image has no tag or digest'],
    ['a malformed image', { images: { agentManager: 'Ghcr.io/Agent Manager:1.0' } }, 'images.agentManager = "Ghcr.io/Agent Manager:1.0": the image repository "Ghcr.io/Agent Manager" is malformed'],
    ['a bad digest', { images: { agentManager: 'ghcr.io/a/b@sha256:123' } }, 'the image digest "sha256:123" is not sha256:<64 hex>'],
    ['a threshold looser than the runbook', { thresholds: { errorRatePercent: 2 } }, 'thresholds.errorRatePercent = 2: use a number above 0 and at most 1 %'],
    ['a zero threshold', { thresholds: { latencyP99Milliseconds: 0 } }, 'thresholds.latencyP99Milliseconds = 0: use a number above 0 and at most 200 ms'],
    ['an unknown key', { agentWorker: { poolsize: 10 } }, 'agentWorker.poolsize = 10: remove it: known fields are'],
    ['an unknown top-level key', { replicas: 3 }, 'replicas = 3: remove it: known fields are'],
    ['setting the namespace', { namespace: 'other' }, 'namespace = "other": remove it: the namespace is fixed by the environment\'s name'],
    ['a bad host', { apiHost: 'https://api' }, 'apiHost = "https://api": use a value like "api.agentaskit.io"'],
    ['a bad CIDR', { network: { apiServerCidrs: ['10.0.0.1/33'] } }, 'network.apiServerCidrs[0] = "10.0.0.1/33": use an IPv4 CIDR'],
    ['a bad label', { monitoring: { selectorLabels: { release: 'kube prometheus' } } }, 'monitoring.selectorLabels.release = "kube prometheus": use a valid Kubernetes label'],
    ['an unknown zone spread', { zoneSpread: 'maybe' }, 'zoneSpread = "maybe": use one of "required", "preferred"'],
  ])('fails on %s', (_case, override, expected) => {
    const error = errorFor('staging', override);
    expect(error.message).toContain('Invalid configuration for environment "staging"');
    expect(error.message).toContain(expected);
  });

  test('fails when production is not the runbook\'s 928-agent pool', () => {
    expect(errorFor('production', { agentWorker: { poolSize: 900 } }).message).toContain(
      'agentWorker.poolSize = 900: production runs the runbook\'s 928-agent pool; change the runbook first',
    );
  });

  test('lists every problem at once', () => {
    const error = errorFor('dev', { agentManager: { replicas: 0 }, images: { agentWorker: 'x:latest' } });
    expect(error.problems.map((p) => p.path)).toEqual(['images.agentWorker', 'agentManager.replicas']);
  });

  test('BASE itself is not modified by overrides', () => {
    resolveEnvironment('dev', { agentWorker: { poolSize: 3 } });
    expect(BASE.agentWorker.poolSize).toBe(928);
  });
});

test('a construct check that config validation does not repeat still names the environment', () => {
  const config = loadEnvironment('dev');
  const unchecked = { ...config, agentWorker: { ...config.agentWorker, maxSurgePercent: 1, maxUnavailablePercent: 0 } };
  expect(() => synthesizeEnvironment(unchecked)).toThrow(/^Cannot synthesize environment "dev": agent-worker rollout: replacing 16 pods/);
});

describe('exactly one environment per Grafana ships the dashboards', () => {
  const overrides = (staging: unknown, production: unknown = {}) => ({ dev: ENVIRONMENT_OVERRIDES.dev, staging: { ...ENVIRONMENT_OVERRIDES.staging, ...(staging as object) }, production: production as object });

  test('fails when a second environment sharing the Grafana ships them, naming both', () => {
    const problems = dashboardShippingProblems(resolveEnvironment('staging', ENVIRONMENT_OVERRIDES.staging, { monitoring: { dashboards: 'ship' } }), overrides({ monitoring: { dashboards: 'ship' } }));
    expect(problems).toEqual([{
      path: 'monitoring.dashboards',
      value: 'ship',
      fix: 'production already ships the dashboards to https://grafana.agentaskit.io; exactly one environment per Grafana may (their uids are fixed, so copies overwrite each other through the sidecar): set "linked" here',
    }]);
  });

  test('fails when no environment ships them to a Grafana', () => {
    const problems = dashboardShippingProblems(loadEnvironment('staging'), overrides({}, { monitoring: { dashboards: 'linked' } }));
    expect(problems[0]!.fix).toBe('no environment ships the dashboards to https://grafana.agentaskit.io (dev, staging, production all link to them): set "ship" in exactly one');
  });

  test('an environment with a Grafana of its own ships its own copy', () => {
    const own = { grafanaUrl: 'https://grafana.staging.agentaskit.io', monitoring: { dashboards: 'ship' } };
    expect(dashboardShippingProblems(loadEnvironment('staging', own), overrides(own))).toEqual([]);
  });

  test('loadEnvironment enforces it: staging set to ship beside production is rejected', () => {
    expect(() => loadEnvironment('staging', { monitoring: { dashboards: 'ship' } })).toThrow(
      'Invalid configuration for environment "staging":\n  - monitoring.dashboards = "ship": production already ships the dashboards',
    );
  });
});

describe('npm run synth', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  test('writes one folder of YAML files per environment and prints a summary', () => {
    main(['--outdir', outdir]);
    expect(fs.readdirSync(outdir).sort()).toEqual(['dashboards', 'dev', 'production', 'staging']);
    expect(fs.readdirSync(path.join(outdir, 'production'))).toContain('08-deployment-agent-worker.yaml');
    const summary = (console.log as jest.Mock).mock.calls.map((c) => c[0]).join('\n');
    expect(summary).toMatch(/^production +\d+ objects: 1 Namespace, /m);
  });

  test.each([
    [['--env'], '--env needs a value (one of dev, staging, production)'],
    [['--env', '--outdir', 'x'], '--env needs a value (one of dev, staging, production)'],
    [['--outdir'], '--outdir needs a value (<dir>)'],
    [['--outdir', 'a', '--outdir', 'b'], '--outdir is given twice ("a" and "b"); give it once'],
    [['production'], 'unexpected argument "production"'],
  ])('says what is wrong with the command line %j, then the usage', (args, message) => {
    expect(() => main(args)).toThrow(`${message}\nUsage: npm run synth -- [--outdir <dir>] [--env <dev|staging|production>]...`);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('rewrites only what changed: a second synth leaves every folder as it was', () => {
    main(['--outdir', outdir]);
    const stamp = fs.statSync(path.join(outdir, 'dev', '08-deployment-agent-worker.yaml')).mtimeMs;
    (console.log as jest.Mock).mockClear();
    main(['--outdir', outdir]);
    expect(fs.statSync(path.join(outdir, 'dev', '08-deployment-agent-worker.yaml')).mtimeMs).toBe(stamp);
    expect((console.log as jest.Mock).mock.calls.at(-1)![0]).toMatch(/^wrote nothing \(unchanged: .*dev.*\) in \d+ ms$/);
  });

  test('writes nothing when an environment is invalid', () => {
    expect(() => main(['--outdir', outdir, '--env', 'dev', '--env', 'prod'])).toThrow('environment = "prod"');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('leaves the previous output untouched when synthesis fails', () => {
    main(['--outdir', outdir, '--env', 'dev']);
    const before = fs.readdirSync(path.join(outdir, 'dev'));
    expect(() => main(['--outdir', outdir, '--env', 'dev', '--bogus'])).toThrow('unknown option "--bogus"');
    expect(fs.readdirSync(path.join(outdir, 'dev'))).toEqual(before);
    expect(fs.readdirSync(outdir)).toEqual(['dev']);
  });
});
