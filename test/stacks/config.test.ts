import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROLLOUT_WEBHOOKS_SECONDS } from '../../lib/delivery/canary-release';
import { MAX_AGENT_POOL_REASON } from '../../lib/workloads/rollout';
import { BASE, ConfigError, ENVIRONMENTS, prometheusUrl, resolveEnvironment } from '../../stacks/config';
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
    ['a pool rollout over the rollback target', { agentWorker: { maxSurgePercent: 5, maxUnavailablePercent: 0 } }, 'agentWorker = {"maxReplicas":1100,"maxSurgePercent":5,"maxUnavailablePercent":0,"podStartSeconds":60}: the pool\'s rollout at agentWorker.maxReplicas: replacing 1100 pods takes 20 waves of 55 pods × 70 s + 5.5 s to create the last wave at 20 requests/s = 1406 s, over the 300 s rollback target; raise agentWorker.maxSurgePercent (5) or agentWorker.maxUnavailablePercent (0), or lower agentWorker.podStartSeconds (60)'],
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
  expect(() => synthesizeEnvironment(unchecked)).toThrow(/^Invalid props of AgentWorkerPool "dev\/AgentWorkers" in environment "dev":\n {2}- rollout budget = \{"maxReplicas":16,"maxSurgePercent":1,"maxUnavailablePercent":0,"podStartSeconds":60\}: the pool's rollout at maxReplicas: replacing 16 pods/);
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

  test('every other sharing environment that ships is named; only those sharing the Grafana are listed as linking', () => {
    const shipping = { ...ENVIRONMENT_OVERRIDES, dev: { ...ENVIRONMENT_OVERRIDES.dev, monitoring: { dashboards: 'ship' as const } } };
    const staging = resolveEnvironment('staging', ENVIRONMENT_OVERRIDES.staging, { monitoring: { dashboards: 'ship' } });
    expect(dashboardShippingProblems(staging, shipping)[0]!.fix).toMatch(/^dev, production already ships the dashboards to https:\/\/grafana\.agentaskit\.io;/);
    const own = resolveEnvironment('staging', ENVIRONMENT_OVERRIDES.staging, { grafanaUrl: 'https://grafana.staging.agentaskit.io' });
    expect(dashboardShippingProblems(own)).toEqual([{
      path: 'monitoring.dashboards',
      value: 'linked',
      fix: 'no environment ships the dashboards to https://grafana.staging.agentaskit.io (staging all link to them): set "ship" in exactly one',
    }]);
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

describe('each check at its boundaries', () => {
  /** The problems of `override` on BASE, as "path = value: fix" lines; [] when it is accepted. */
  const problems = (override: unknown, environment = 'staging'): string[] => {
    try {
      resolveEnvironment(environment, override);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.message.split('\n').slice(1).map((line) => line.replace(/^ {2}- /, ''));
    }
  };

  test.each([
    'a.io',
    'api.agentaskit.io',
    'x-1.example.com',
    'a--b.example.com',
    'api.dev.eu-1.agentaskit.io',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.io`,
  ])('apiHost %s is a host name', (apiHost) => {
    expect(apiHost.length).toBeLessThanOrEqual(253);
    expect(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.io`).toHaveLength(253);
    expect(problems({ apiHost })).toEqual([]);
  });

  test.each([
    ['no dot', 'api'],
    ['a one-letter top-level domain', 'api.i'],
    ['a numeric top-level domain', 'api.io1'],
    ['an upper-case letter', 'Api.agentaskit.io'],
    ['a label starting with "-"', '-api.agentaskit.io'],
    ['a label ending with "-"', 'api-.agentaskit.io'],
    ['an empty label', 'api..io'],
    ['a scheme', 'https://api.agentaskit.io'],
    ['a path', 'api.agentaskit.io/'],
    ['a port', 'api.agentaskit.io:443'],
    ['a leading space', ' api.agentaskit.io'],
    ['a trailing space', 'api.agentaskit.io '],
    ['254 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.io`],
  ])('fails on an apiHost with %s', (_case, apiHost) => {
    expect(problems({ apiHost })).toEqual([`apiHost = ${JSON.stringify(apiHost)}: use a value like "api.agentaskit.io".`]);
  });

  test.each(['https://grafana.agentaskit.io', 'https://grafana.agentaskit.io:3000', 'https://g.io/grafana', 'https://g.io:3000/a/b.c-d_e', 'https://10.0.0.1'])(
    'grafanaUrl %s is an https URL without a trailing "/"',
    (grafanaUrl) => {
      expect(problems({ grafanaUrl, monitoring: { dashboards: 'linked' } })).toEqual([]);
    },
  );

  test.each(['http://grafana.agentaskit.io', 'https://grafana.agentaskit.io/', 'https://g.io:3000/', 'https://G.io', 'https://g.io:port', 'xhttps://g.io', 'https://g.io/a b', 'https://'])(
    'fails on the grafanaUrl %s',
    (grafanaUrl) => {
      expect(problems({ grafanaUrl })).toEqual([`grafanaUrl = ${JSON.stringify(grafanaUrl)}: use a value like "https://grafana.agentaskit.io".`]);
    },
  );

  test.each(['https://github.com/agentaskit/agentaskit-deploy/blob/main/docs/runbooks/WF-001.md', 'https://wiki.example.com:8443/WF-001.md', 'https://x.io/.md'])(
    'alerting.runbookUrl %s is an https link to a Markdown file',
    (runbookUrl) => {
      expect(problems({ alerting: { runbookUrl } })).toEqual([]);
    },
  );

  test.each(['http://x.io/WF-001.md', 'https://x.io/WF-001.html', 'https://x.io/WF-001.md#top', 'https://x.io.md', 'see https://x.io/WF-001.md', 'https://X.io/WF-001.md'])(
    'fails on the alerting.runbookUrl %s',
    (runbookUrl) => {
      expect(problems({ alerting: { runbookUrl } })).toEqual([
        `alerting.runbookUrl = ${JSON.stringify(runbookUrl)}: use a value like "https://github.com/agentaskit/agentaskit-deploy/blob/main/docs/runbooks/WF-001.md".`,
      ]);
    },
  );

  test.each([
    ['tlsSecretName', { tlsSecretName: 'Agentaskit-tls' }, 'tlsSecretName = "Agentaskit-tls": use a value like "monitoring".'],
    ['the monitoring namespace', { monitoring: { namespace: 'a'.repeat(64) } }, `monitoring.namespace = "${'a'.repeat(64)}": use a value like "monitoring".`],
    ['the ingress class', { network: { ingressClassName: 'nginx.v2' } }, 'network.ingressClassName = "nginx.v2": use a value like "monitoring".'],
    ['the load tester Service', { canary: { loadTester: { serviceName: '-lt' } } }, 'canary.loadTester.serviceName = "-lt": use a value like "monitoring".'],
  ])('fails when %s is not a DNS label', (_case, override, expected) => {
    expect(problems(override)).toEqual([expected]);
  });

  test.each([
    ['orchestrator', { images: { orchestrator: 'Bad Repo:1' } }, 'images.orchestrator = "Bad Repo:1": the image repository "Bad Repo" is malformed; pin it by tag or digest, e.g. "ghcr.io/agentaskit/orchestrator:1.4.2".'],
    ['agentManager', { images: { agentManager: 'Bad Repo:1' } }, 'images.agentManager = "Bad Repo:1": the image repository "Bad Repo" is malformed; pin it by tag or digest, e.g. "ghcr.io/agentaskit/agent-manager:1.4.2".'],
    ['agentWorker', { images: { agentWorker: 'Bad Repo:1' } }, 'images.agentWorker = "Bad Repo:1": the image repository "Bad Repo" is malformed; pin it by tag or digest, e.g. "ghcr.io/agentaskit/agent-worker:1.4.2".'],
  ])('a malformed %s image gets that image\'s own example', (_case, override, expected) => {
    expect(problems(override)).toEqual([expected]);
  });

  test.each([
    ['orchestrator.cpuMillis', { orchestrator: { cpuMillis: 1 } }, { orchestrator: { cpuMillis: 0 } }, 'use a whole number of at least 1'],
    ['agentManager.memoryMebibytes', { agentManager: { memoryMebibytes: 16 } }, { agentManager: { memoryMebibytes: 15 } }, 'use a whole number of at least 16'],
    ['agentWorker.maxTaskSeconds', { agentWorker: { maxTaskSeconds: 3600 } }, { agentWorker: { maxTaskSeconds: 3601 } }, 'use a whole number from 1 to 3600'],
    ['agentWorker.maxTaskSeconds', { agentWorker: { maxTaskSeconds: 1 } }, { agentWorker: { maxTaskSeconds: 0 } }, 'use a whole number from 1 to 3600'],
    ['agentWorker.maxSurgePercent', { agentWorker: { maxSurgePercent: 100 } }, { agentWorker: { maxSurgePercent: 101 } }, 'use a whole number from 0 to 100'],
    ['agentWorker.maxUnavailablePercent', { agentWorker: { maxUnavailablePercent: 100 } }, { agentWorker: { maxUnavailablePercent: -1 } }, 'use a whole number from 0 to 100'],
    ['agentWorker.podStartSeconds', { agentWorker: { podStartSeconds: 1 } }, { agentWorker: { podStartSeconds: 601 } }, 'use a whole number from 1 to 600'],
    ['agentWorker.poolSize', { agentWorker: { poolSize: 1, maxReplicas: 1 } }, { agentWorker: { poolSize: 0, maxReplicas: 1 } }, `use a whole number from 1 to 75000: ${MAX_AGENT_POOL_REASON}`],
    ['canary.threshold', { canary: { threshold: 1 } }, { canary: { threshold: 101 } }, 'use a whole number from 1 to 100'],
    ['canary.metricWindowSeconds', { canary: { metricWindowSeconds: 120 } }, { canary: { metricWindowSeconds: 301 } }, 'use a whole number from 30 to 300'],
    ['canary.progressDeadlineSeconds', { canary: { progressDeadlineSeconds: 30 } }, { canary: { progressDeadlineSeconds: 29 } }, 'use a whole number from 30 to 300'],
    ['canary.maxWeight', { canary: { maxWeight: 100 } }, { canary: { maxWeight: 101 } }, 'use a whole number from 1 to 100'],
    ['canary.stepWeight', { canary: { stepWeight: 1 } }, { canary: { stepWeight: 0 } }, 'use a whole number from 1 to 100'],
    ['canary.iterations', { canary: { iterations: 100 } }, { canary: { iterations: 101 } }, 'use a whole number from 1 to 100'],
    ['alerting.sloAvailabilityPercent', { alerting: { sloAvailabilityPercent: 99.999 } }, { alerting: { sloAvailabilityPercent: 90 } }, 'use a number above 90 and at most 99.999 % (an error budget below 0.001% cannot be measured at our traffic)'],
    ['alerting.unhealthyAgentsCriticalPercent', { alerting: { unhealthyAgentsCriticalPercent: 100 } }, { alerting: { unhealthyAgentsCriticalPercent: 100.5 } }, 'use a number above 0 and at most 100 %'],
    ['thresholds.phasePendingSeconds', { thresholds: { phasePendingSeconds: 300 } }, { thresholds: { phasePendingSeconds: 301 } }, "use a number above 0 and at most 300 s (the runbook's value; stricter is allowed, looser is not)"],
    ['thresholds.unhealthyAgentsPercent', { thresholds: { unhealthyAgentsPercent: 0.1 } }, { thresholds: { unhealthyAgentsPercent: 5.1 } }, "use a number above 0 and at most 5 % (the runbook's value; stricter is allowed, looser is not)"],
  ])('%s: %j is accepted, %j is not', (path, inside, outside, fix) => {
    expect(problems(inside)).toEqual([]);
    const [problem] = problems(outside);
    expect(problem).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')} = `));
    expect(problem).toContain(`: ${fix}.`);
  });

  test('the canary interval leaves room for the rollout webhooks and is at most the rollback target', () => {
    expect(problems({ canary: { intervalSeconds: ROLLOUT_WEBHOOKS_SECONDS } })).toEqual([
      `canary.intervalSeconds = ${ROLLOUT_WEBHOOKS_SECONDS}: use a whole number from ${ROLLOUT_WEBHOOKS_SECONDS + 1} to 300.`,
    ]);
  });

  test('a replica maximum equal to its minimum is enough; one less is not', () => {
    expect(problems({ orchestrator: { minReplicas: 4, maxReplicas: 4 }, agentWorker: { poolSize: 10, maxReplicas: 10 } })).toEqual([]);
    expect(problems({ orchestrator: { minReplicas: 4, maxReplicas: 3 } })).toEqual(['orchestrator.maxReplicas = 3: use at least orchestrator.minReplicas (4).']);
  });

  test('a relation with a field left out is checked at the construct\'s default, in the config\'s names', () => {
    expect(problems({ orchestrator: { maxReplicas: 3 } })).toEqual([]);
    expect(problems({ orchestrator: { maxReplicas: 2 } })).toEqual(['orchestrator.maxReplicas = 2: use at least orchestrator.minReplicas (3).']);
    expect(problems({ orchestrator: { minReplicas: 11 } })).toEqual(['orchestrator.maxReplicas = 10: use at least orchestrator.minReplicas (11).']);
    expect(problems({ canary: { stepWeight: 50 } })).toEqual([]);
    expect(problems({ canary: { stepWeight: 51 } })).toEqual(['canary.stepWeight = 51: use at most canary.maxWeight (50).']);
    // The pool's default surge (25 %) and start (60 s) alone cannot replace 1100 agents in time.
    expect(problems({ agentWorker: { maxUnavailablePercent: 0 } })).toEqual([
      'agentWorker = {"maxReplicas":1100,"maxSurgePercent":25,"maxUnavailablePercent":0,"podStartSeconds":60}: the pool\'s rollout at agentWorker.maxReplicas: ' +
        'replacing 1100 pods takes 4 waves of 275 pods × 70 s + 27.5 s to create the last wave at 20 requests/s = 308 s, over the 300 s rollback target; ' +
        'raise agentWorker.maxSurgePercent (25) or agentWorker.maxUnavailablePercent (0), or lower agentWorker.podStartSeconds (60).',
    ]);
    expect(problems({ agentWorker: { poolSize: 1, maxReplicas: 1, maxSurgePercent: 0 } })).toEqual([]);
  });

  test('a rollout needs surge or unavailability: either alone will do', () => {
    expect(problems({ agentWorker: { maxSurgePercent: 0, maxUnavailablePercent: 40 } })).toEqual([]);
    expect(problems({ agentWorker: { maxSurgePercent: 40, maxUnavailablePercent: 0 } })).toEqual([]);
    expect(problems({ agentWorker: { poolSize: 1, maxReplicas: 1, maxSurgePercent: 0, maxUnavailablePercent: 0 } })).toEqual([
      'agentWorker.maxSurgePercent = 0: allow some surge or unavailability, or a rollout never progresses.',
    ]);
  });

  test('the canary step may equal its maximum weight, not exceed it', () => {
    expect(problems({ canary: { maxWeight: 30, stepWeight: 30 } })).toEqual([]);
    expect(problems({ canary: { maxWeight: 30, stepWeight: 31 } })).toEqual(['canary.stepWeight = 31: use at most canary.maxWeight (30).']);
  });

  test('the metric window holds 4 scrapes: 120 s passes, 119 s does not', () => {
    expect(problems({ canary: { metricWindowSeconds: 119 } })).toEqual([
      'canary.metricWindowSeconds = 119: use at least 4 × the 30 s scrape interval (120 s): with fewer scrapes in the window one missed scrape leaves rate() no value, a failed check.',
    ]);
  });

  test('fails when the canary cannot roll back within the runbook\'s target, naming its timing', () => {
    // never Ready: (⌊P / 30⌋ + 2) × 30 s, 270 s at 239 s and 300 s (not under the target) at 240 s.
    expect(problems({ canary: { progressDeadlineSeconds: 239 } })).toEqual([]);
    expect(problems({ canary: { progressDeadlineSeconds: 240 } })).toEqual([
      'canary = {"intervalSeconds":30,"threshold":4,"metricWindowSeconds":120,"progressDeadlineSeconds":240}: worst-case rollback ' +
        'max(bad from the start (⌊pod start 60 s / interval 30 s⌋ + threshold 4 + 3) × 30 s = 270 s, breach mid-run: metric window 120 s + (threshold 4 + 1) × interval 30 s = 270 s, ' +
        "never Ready: (⌊progressDeadline 240 s / 30 s⌋ + 2) × 30 s = 300 s) = 300 s is not under the runbook's 300 s; " +
        'shorten the interval, lower the threshold, the metric window or the progress deadline.',
    ]);
  });

  test('the paging level must be above the degraded one: equal fails, just above passes', () => {
    expect(problems({ thresholds: { unhealthyAgentsPercent: 4 }, alerting: { unhealthyAgentsCriticalPercent: 4.5 } })).toEqual([]);
    expect(problems({ thresholds: { unhealthyAgentsPercent: 4 }, alerting: { unhealthyAgentsCriticalPercent: 4 } })).toEqual([
      'alerting.unhealthyAgentsCriticalPercent = 4: use more than thresholds.unhealthyAgentsPercent (4): it is the level beyond the degraded alert that pages.',
    ]);
  });

  test('relations are checked only once every field is valid on its own', () => {
    expect(problems({ orchestrator: { minReplicas: 4, maxReplicas: 3 }, agentManager: { replicas: 0 } })).toEqual(['agentManager.replicas = 0: use a whole number of at least 1.']);
  });

  test('setting the environment in an override is refused like the namespace; a non-object override is checked as the config', () => {
    expect(problems({ environment: 'production' })).toEqual(['environment = "production": remove it: the environment is fixed by the environment\'s name.']);
    expect(problems('production')).toEqual([' = "production": use an object.']);
  });

  test('no override, an empty one or an undefined field keeps BASE; a list replaces the base list', () => {
    const config = resolveEnvironment('staging', undefined, {}, { agentWorker: { poolSize: undefined } }, { network: { apiServerCidrs: ['10.0.0.2/32'] } });
    expect(config.agentWorker.poolSize).toBe(BASE.agentWorker.poolSize);
    expect(config.network.apiServerCidrs).toEqual(['10.0.0.2/32']);
    expect(Object.isFrozen(config.network.apiServerCidrs)).toBe(true);
    expect(config.namespace).toBe('agentaskit-staging');
  });

  test('the message lists each problem on its own line, paths without a leading dot', () => {
    expect(errorFor('dev', { agentWorker: { poolsize: 10 }, replicas: 3 }).message).toBe(
      'Invalid configuration for environment "dev":\n' +
        '  - agentWorker.poolsize = 10: remove it: known fields are cpuMillis, memoryMebibytes, poolSize, maxReplicas, maxTaskSeconds, maxSurgePercent, maxUnavailablePercent, podStartSeconds.\n' +
        '  - replicas = 3: remove it: known fields are environment, namespace, apiHost, tlsSecretName, grafanaUrl, images, orchestrator, agentManager, agentWorker, zoneSpread, network, monitoring, thresholds, canary, alerting.',
    );
    expect(errorFor('dev', { agentManager: { replicas: 0 }, zoneSpread: 'x' }).message).toBe(
      'Invalid configuration for environment "dev":\n  - agentManager.replicas = 0: use a whole number of at least 1.\n  - zoneSpread = "x": use one of "required", "preferred".',
    );
  });

  test('the API server needs at least one CIDR; agent egress may have none', () => {
    expect(problems({ network: { agentEgressCidrs: [] } })).toEqual([]);
    expect(problems({ network: { apiServerCidrs: [] } })).toEqual(['network.apiServerCidrs = []: use a list of IPv4 CIDRs like "10.0.0.1/32".']);
  });

  test('by default the network policies select the pods of the ingress-nginx, kube-prometheus-stack and flagger-loadtester charts', () => {
    expect(BASE.canary.loadTester).toEqual({ namespace: 'flagger', serviceName: 'flagger-loadtester', podLabels: { app: 'loadtester' } });
    expect(BASE.network.ingressControllerPodLabels).toEqual({ 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(BASE.monitoring.prometheusPodLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
    expect(BASE.monitoring.selectorLabels).toEqual({ release: 'kube-prometheus-stack' });
  });

  test('the error names itself, the environment and each problem', () => {
    const error = errorFor('dev', { agentManager: { replicas: 0 } });
    expect([error.name, error.environment, error.problems]).toEqual(['ConfigError', 'dev', [{ path: 'agentManager.replicas', value: 0, fix: 'use a whole number of at least 1' }]]);
  });

  test('prometheusUrl is the in-cluster URL of the monitoring Service on port 9090', () => {
    expect(prometheusUrl(loadEnvironment('production').monitoring)).toBe('http://kube-prometheus-stack-prometheus.monitoring:9090');
  });
});
