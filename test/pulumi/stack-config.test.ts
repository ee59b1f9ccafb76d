import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as YAML from 'yaml';
import { SECRETS } from '../../lib/secrets';
import { BASE, ENVIRONMENTS } from '../../stacks/config';
import { ConfigSource, PROJECT, readStackConfig, StackConfigError } from '../../pulumi/stack-config';

const SECRET_VALUES = Object.fromEntries(Object.keys(SECRETS).map((k) => [k, `value-of-${k}`]));

/** A config as `pulumi config set` leaves it: `secret` keys were set with --secret. */
function source(plain: Record<string, string>, secret: Record<string, string> = SECRET_VALUES): ConfigSource {
  const all: Record<string, string> = { ...plain, ...secret };
  return {
    get: (key) => all[key],
    getSecret: (key) => (key in all ? pulumi.secret(all[key]!) : undefined),
    isSecret: (key) => key in secret,
    keys: () => Object.keys(all),
  };
}

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a StackConfigError');
}

test.each(ENVIRONMENTS)('%s: the environment file plus the stack overrides', (environment) => {
  const config = readStackConfig(source({ environment, imageTag: '1.5.0', apiHost: `api-next.${environment}.agentaskit.io`, kubeContext: `ctx-${environment}` }));
  expect(config.environment.environment).toBe(environment);
  expect(config.environment.apiHost).toBe(`api-next.${environment}.agentaskit.io`);
  expect(config.environment.images.agentWorker).toBe(BASE.images.agentWorker.replace(/:[^:]+$/, ':1.5.0'));
  expect(config.environment.images.orchestrator).toBe(BASE.images.orchestrator.replace(/:[^:]+$/, ':1.5.0'));
  expect(config.kubeContext).toBe(`ctx-${environment}`);
  expect(Object.keys(config.secrets).sort()).toEqual(Object.keys(SECRETS).sort());
});

test('an image set by reference wins over the release tag for that image', () => {
  const image = 'registry.example.com/agentaskit/orchestrator@sha256:' + 'a'.repeat(64);
  const config = readStackConfig(source({ environment: 'staging', imageTag: '1.5.0', orchestratorImage: image }));
  expect(config.environment.images.orchestrator).toBe(image);
  expect(config.environment.images.agentManager).toMatch(/:1\.5\.0$/);
});

test('without overrides the environment file decides and the kube context is the current one', () => {
  const config = readStackConfig(source({ environment: 'production' }));
  expect(config.environment.images).toEqual(BASE.images);
  expect(config.kubeContext).toBeUndefined();
});

test('fails when the environment is not set', () => {
  expect(problemsOf(() => readStackConfig(source({})))).toContain(
    `${PROJECT}:environment is not set. Fix:\n      pulumi config set ${PROJECT}:environment <dev|staging|production>`,
  );
});

test('fails when the environment is unknown', () => {
  expect(problemsOf(() => readStackConfig(source({ environment: 'prod' })))).toContain(
    `${PROJECT}:environment is "prod", not one of dev, staging, production. Fix:\n      pulumi config set ${PROJECT}:environment <dev|staging|production>`,
  );
});

test.each(Object.keys(SECRETS))('fails when the secret %s is missing', (key) => {
  const { [key]: _omitted, ...others } = SECRET_VALUES;
  expect(problemsOf(() => readStackConfig(source({ environment: 'dev' }, others)))).toContain(
    `${PROJECT}:${key} is not set (a required secret). Fix:\n      pulumi config set --secret ${PROJECT}:${key} <value>`,
  );
});

test('fails when a secret was stored in plaintext, without showing it', () => {
  const { adminToken, ...others } = SECRET_VALUES;
  const message = problemsOf(() => readStackConfig(source({ environment: 'dev', adminToken: adminToken! }, others)));
  expect(message).toContain(`${PROJECT}:adminToken is stored in plaintext. Fix:\n      pulumi config set --secret ${PROJECT}:adminToken <value>`);
  expect(message).not.toContain(adminToken);
});

test('fails when the image tag is malformed', () => {
  expect(problemsOf(() => readStackConfig(source({ environment: 'dev', imageTag: '1.5.0 beta' })))).toContain(
    `${PROJECT}:imageTag is "1.5.0 beta": the image tag "1.5.0 beta" is malformed. Fix:\n      pulumi config set ${PROJECT}:imageTag <release tag, e.g. 1.4.3>`,
  );
  expect(problemsOf(() => readStackConfig(source({ environment: 'dev', imageTag: 'latest' })))).toContain(`${PROJECT}:imageTag is "latest": the image uses the moving tag "latest"`);
});

test('fails when an image reference is not pinned', () => {
  expect(problemsOf(() => readStackConfig(source({ environment: 'dev', agentWorkerImage: 'ghcr.io/agentaskit/agent-worker' })))).toContain(
    `${PROJECT}:agentWorkerImage is "ghcr.io/agentaskit/agent-worker": the image has no tag or digest (it would mean "latest"). Fix:\n      pulumi config set ${PROJECT}:agentWorkerImage ghcr.io/agentaskit/agent-worker:<tag>`,
  );
});

test('fails when the API host is invalid, naming the stack key', () => {
  expect(problemsOf(() => readStackConfig(source({ environment: 'staging', apiHost: 'https://api.example.com' })))).toContain(
    `${PROJECT}:apiHost is "https://api.example.com": use a value like "api.agentaskit.io". Fix:\n      pulumi config set ${PROJECT}:apiHost <value>`,
  );
});

test('apiServerCidrs sets the agent-manager\'s API server egress for this cluster (comma-separated, spaces allowed)', () => {
  const config = readStackConfig(source({ environment: 'production', apiServerCidrs: '10.96.0.1/32, 203.0.113.10/32,203.0.113.11/32' }));
  expect(config.environment.network.apiServerCidrs).toEqual(['10.96.0.1/32', '203.0.113.10/32', '203.0.113.11/32']);
  // Only that field changes: the rest of the network section is the environment's.
  expect({ ...config.environment.network, apiServerCidrs: BASE.network.apiServerCidrs }).toEqual(readStackConfig(source({ environment: 'production' })).environment.network);
});

test('without apiServerCidrs the environment\'s default stays', () => {
  expect(readStackConfig(source({ environment: 'staging' })).environment.network.apiServerCidrs).toEqual(BASE.network.apiServerCidrs);
});

test('fails when an apiServerCidrs entry is not an IPv4 CIDR, naming the key, the entry and the fix', () => {
  const message = problemsOf(() => readStackConfig(source({ environment: 'production', apiServerCidrs: '10.96.0.1/32,203.0.113.10' })));
  expect(message).toContain(
    `${PROJECT}:apiServerCidrs is "10.96.0.1/32,203.0.113.10" (entry "203.0.113.10"): use an IPv4 CIDR like "10.0.0.1/32". Fix:\n      pulumi config set ${PROJECT}:apiServerCidrs 10.96.0.1/32,203.0.113.10/32`,
  );
  expect(message).not.toContain(`${PROJECT}:environment`);
});

test('fails when apiServerCidrs is empty (the agent-manager could not reach the API server)', () => {
  expect(problemsOf(() => readStackConfig(source({ environment: 'dev', apiServerCidrs: ' , ' })))).toContain(
    `${PROJECT}:apiServerCidrs is " , ": use a list of IPv4 CIDRs like "10.0.0.1/32". Fix:\n      pulumi config set ${PROJECT}:apiServerCidrs 10.96.0.1/32,203.0.113.10/32`,
  );
});

test('fails when a key is not a setting of this project (a typo would deploy the default)', () => {
  expect(problemsOf(() => readStackConfig(source({ environment: 'dev', imagetag: '1.5.0' })))).toContain(
    `${PROJECT}:imagetag is not a setting of this project (known: environment, kubeContext, apiHost, grafanaUrl, apiServerCidrs, imageTag, orchestratorImage, agentManagerImage, agentWorkerImage, ${Object.keys(SECRETS).join(', ')}). Fix:\n      pulumi config rm ${PROJECT}:imagetag`,
  );
});

test('reports every problem at once', () => {
  const message = problemsOf(() => readStackConfig(source({ imageTag: 'bad tag' }, {})));
  for (const key of ['environment', 'imageTag', ...Object.keys(SECRETS)]) expect(message).toContain(`${PROJECT}:${key} `);
});

describe('stack files', () => {
  const root = path.join(__dirname, '..', '..');
  test('Pulumi.yaml runs the compiled program with the nodejs runtime', () => {
    const project = YAML.parse(fs.readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8'));
    expect(project).toMatchObject({ name: PROJECT, runtime: { name: 'nodejs', options: { typescript: false } }, main: 'build/pulumi/index.js' });
    // tsc compiles pulumi/index.ts to the main Pulumi runs.
    const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));
    expect(build.include).toContain('pulumi');
    expect(fs.existsSync(path.join(root, 'pulumi', 'index.ts'))).toBe(true);
  });

  test.each(ENVIRONMENTS)('Pulumi.%s.yaml selects its environment, is valid with its secrets set and holds secrets only as ciphertext', (environment) => {
    const text = fs.readFileSync(path.join(root, `Pulumi.${environment}.yaml`), 'utf8');
    const stack = YAML.parse(text);
    const plain: Record<string, string> = {};
    for (const [key, value] of Object.entries<unknown>(stack.config)) {
      expect(key.startsWith(`${PROJECT}:`)).toBe(true);
      const name = key.slice(PROJECT.length + 1);
      if (name in SECRETS) {
        // Committed encrypted (`pulumi config set --secret`), never as plaintext.
        expect(value).toEqual({ secure: expect.stringMatching(/^v1:/) });
      } else {
        expect(typeof value).toBe('string');
        plain[name] = value as string;
      }
    }
    // Secrets from a Pulumi ESC environment come through its `environment:` imports.
    if (stack.environment !== undefined) expect(stack.environment).toEqual(expect.arrayContaining([expect.stringMatching(/\S/)]));
    expect(plain.environment).toBe(environment);
    expect(readStackConfig(source(plain)).environment.environment).toBe(environment);
    // The header tells whoever sets up the stack both ways to provide the secrets, with commands.
    for (const command of [`pulumi config set --stack ${environment} --secret ${PROJECT}:`, `pulumi config env add ${PROJECT}/${environment} --stack ${environment}`]) {
      expect(text).toContain(command);
    }
  });
});

describe('boundaries of the stack keys', () => {
  test('unknown keys are listed in sorted order', () => {
    const message = problemsOf(() => readStackConfig(source({ environment: 'dev', zeta: '1', alpha: '2' })));
    expect(message.indexOf(`${PROJECT}:alpha `)).toBeLessThan(message.indexOf(`${PROJECT}:zeta `));
  });

  test('a bad release tag is one problem, not one per image; bad image references are one each', () => {
    const tagged = problemsOf(() => readStackConfig(source({ environment: 'dev', imageTag: 'latest' })));
    expect(tagged.match(new RegExp(`- ${PROJECT}:imageTag is`, 'g'))).toHaveLength(1);
    const own = problemsOf(() => readStackConfig(source({ environment: 'dev', orchestratorImage: 'x:latest', agentManagerImage: 'y:latest' })));
    expect(own).toContain(`${PROJECT}:orchestratorImage is "x:latest": the image uses the moving tag "latest". Fix:\n      pulumi config set ${PROJECT}:orchestratorImage ghcr.io/agentaskit/orchestrator:<tag>`);
    expect(own).toContain(`${PROJECT}:agentManagerImage is "y:latest": the image uses the moving tag "latest". Fix:\n      pulumi config set ${PROJECT}:agentManagerImage ghcr.io/agentaskit/agent-manager:<tag>`);
  });

  test('an empty kubeContext is the current context', () => {
    expect(readStackConfig(source({ environment: 'dev', kubeContext: '' })).kubeContext).toBeUndefined();
  });

  test('a problem the stack keys do not own is the environment file\'s, with where to fix it', () => {
    const message = problemsOf(() => readStackConfig(source({ environment: 'staging', grafanaUrl: 'https://grafana.staging.agentaskit.io' })));
    expect(message).toContain(`${PROJECT}:environment "staging" is invalid at monitoring.dashboards = "linked": no environment ships the dashboards to https://grafana.staging.agentaskit.io`);
    expect(message).toContain('Fix:\n      edit stacks/environments/staging.ts');
  });

  test('the error lists each problem with its fix, and nothing else', () => {
    const error = (() => { try { readStackConfig(source({ environment: 'prod' }, {})); } catch (e) { return e as StackConfigError; } throw new Error('expected an error'); })();
    expect(error.name).toBe('StackConfigError');
    expect(error.message).toBe([
      'Invalid Pulumi stack configuration:',
      `  - ${PROJECT}:environment is "prod", not one of dev, staging, production. Fix:`,
      `      pulumi config set ${PROJECT}:environment <dev|staging|production>`,
      ...Object.keys(SECRETS).flatMap((key) => [`  - ${PROJECT}:${key} is not set (a required secret). Fix:`, `      pulumi config set --secret ${PROJECT}:${key} <value>`]),
    ].join('\n'));
    expect(error.problems).toHaveLength(1 + Object.keys(SECRETS).length);
  });

  test('an environment that is not set is the only environment problem', () => {
    expect(problemsOf(() => readStackConfig(source({})))).toBe(
      `Invalid Pulumi stack configuration:\n  - ${PROJECT}:environment is not set. Fix:\n      pulumi config set ${PROJECT}:environment <dev|staging|production>`,
    );
  });

  test('config problems are found beside secret problems', () => {
    const { adminToken: _omitted, ...others } = SECRET_VALUES;
    const message = problemsOf(() => readStackConfig(source({ environment: 'dev', apiHost: 'api' }, others)));
    expect(message).toContain(`${PROJECT}:adminToken is not set`);
    expect(message).toContain(`${PROJECT}:apiHost is "api": use a value like "api.agentaskit.io". Fix:\n      pulumi config set ${PROJECT}:apiHost <value>`);
  });

  test('a bad grafanaUrl names its key and the command', () => {
    expect(problemsOf(() => readStackConfig(source({ environment: 'staging', grafanaUrl: 'http://g.io' })))).toContain(
      `${PROJECT}:grafanaUrl is "http://g.io": use a value like "https://grafana.agentaskit.io". Fix:\n      pulumi config set ${PROJECT}:grafanaUrl <value>`,
    );
  });

  test('the eleventh apiServerCidrs entry is named like the first', () => {
    const cidrs = [...Array.from({ length: 10 }, (_, i) => `10.0.0.${i}/32`), '10.0.0.300/32'].join(',');
    expect(problemsOf(() => readStackConfig(source({ environment: 'dev', apiServerCidrs: cidrs })))).toContain(
      `${PROJECT}:apiServerCidrs is ${JSON.stringify(cidrs)} (entry "10.0.0.300/32"): use an IPv4 CIDR like "10.0.0.1/32".`,
    );
  });
});

test('imageTag retags the repositories of the environment file, not those of BASE', () => {
  // An environment pulling from its own registry; no environment file does yet, so one is stood in.
  const STAGING = '../../stacks/environments/staging';
  const mirror = 'registry.example.com/mirror/orchestrator:1.4.2';
  let images: Record<string, string> | undefined;
  jest.isolateModules(() => {
    const actual = jest.requireActual(STAGING) as typeof import('../../stacks/environments/staging');
    jest.doMock(STAGING, () => ({ staging: { ...actual.staging, images: { orchestrator: mirror } } }));
    const { readStackConfig: read } = require('../../pulumi/stack-config') as typeof import('../../pulumi/stack-config');
    images = read(source({ environment: 'staging', imageTag: '1.5.0' })).environment.images;
  });
  jest.dontMock(STAGING);
  expect(images).toEqual({
    orchestrator: 'registry.example.com/mirror/orchestrator:1.5.0',
    agentManager: BASE.images.agentManager.replace(/:[^:]+$/, ':1.5.0'),
    agentWorker: BASE.images.agentWorker.replace(/:[^:]+$/, ':1.5.0'),
  });
});
