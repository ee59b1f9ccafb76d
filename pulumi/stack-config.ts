/**
 * Reads and validates a stack's Pulumi config: which environment it deploys, what a deploy
 * pipeline or operator overrides (image tag or images, API host, Grafana URL, API server CIDRs,
 * kube context) and the secrets.
 * Every problem names the config key and shows the `pulumi config set` command that fixes it;
 * all problems are reported at once, before any resource is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import { PROJECT_NAME } from '../lib/runbook';
import { parseImage, requirePinnedImage } from '../lib/workloads/image';
import { BASE, ConfigError, EnvironmentConfig, ENVIRONMENTS } from '../stacks/config';
import { loadEnvironment } from '../stacks/environments';
import { SECRET_KEYS, SecretValues } from './secrets';

/** The Pulumi project name: config keys are `agentaskit-deploy:<key>`. */
export const PROJECT = PROJECT_NAME;

/** Where config comes from: `pulumi.Config` in a program, anything in tests. */
export interface ConfigSource {
  get(key: string): string | undefined;
  getSecret(key: string): pulumi.Output<string> | undefined;
  /** Every key set in the project's namespace, without the `agentaskit-deploy:` prefix. */
  keys(): string[];
  /** Whether the value was stored encrypted (`pulumi config set --secret`). */
  isSecret(key: string): boolean;
}

export interface StackConfigProblem {
  readonly key: string;
  readonly problem: string;
  readonly command: string;
}

export class StackConfigError extends Error {
  constructor(public readonly problems: readonly StackConfigProblem[]) {
    super(
      'Invalid Pulumi stack configuration:\n' +
        problems.map((p) => `  - ${PROJECT}:${p.key} ${p.problem}. Fix:\n      ${p.command}`).join('\n'),
    );
    this.name = 'StackConfigError';
  }
}

export interface StackConfig {
  readonly environment: EnvironmentConfig;
  /** kubeconfig context to deploy to; undefined: the kubeconfig's current context. */
  readonly kubeContext?: string;
  readonly secrets: SecretValues;
}

const IMAGE_KEYS = { orchestrator: 'orchestratorImage', agentManager: 'agentManagerImage', agentWorker: 'agentWorkerImage' } as const;
type ImageField = keyof typeof IMAGE_KEYS;

/**
 * Stack keys that set one field of the environment config as they are: the value is validated
 * by the environment's schema, and a problem at the field (or an entry of it) names the key.
 * `example` is the value the fix command shows; a `list` key holds comma-separated entries.
 */
const FIELD_KEYS: Readonly<Record<string, { readonly path: string; readonly example: string; readonly list?: true }>> = {
  apiHost: { path: 'apiHost', example: '<value>' },
  grafanaUrl: { path: 'grafanaUrl', example: '<value>' },
  // Per cluster: the `kubernetes` Service ClusterIP and the API server endpoint IPs (Calico
  // evaluates egress after kube-proxy's DNAT; Cilium needs more, docs/network.md). See EnvironmentConfig.network.apiServerCidrs.
  apiServerCidrs: { path: 'network.apiServerCidrs', example: '10.96.0.1/32,203.0.113.10/32', list: true },
};

const KNOWN_KEYS: readonly string[] = ['environment', 'kubeContext', ...Object.keys(FIELD_KEYS), 'imageTag', ...Object.values(IMAGE_KEYS), ...SECRET_KEYS];

/** A comma-separated stack value as a list (`"a, b"` → `["a", "b"]`; `""` → `[]`). */
function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** The override object that sets `path` (`network.apiServerCidrs`) to `value`. */
function atPath(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight((inner: unknown, k) => ({ [k]: inner }), value) as Record<string, unknown>;
}

const set = (key: string, value: string, secret = false) => `pulumi config set ${secret ? '--secret ' : ''}${PROJECT}:${key} ${value}`;

/**
 * The images the environment file deploys: `imageTag` retags their repositories, since an
 * environment may pull from a registry of its own. BASE's while the environment is unknown or
 * its file invalid: the resolve below then reports why, and nothing deploys.
 */
function environmentImages(environment: string | undefined): EnvironmentConfig['images'] {
  if (!(ENVIRONMENTS as readonly (string | undefined)[]).includes(environment)) return BASE.images;
  try {
    return loadEnvironment(environment!).images;
  } catch (error) {
    if (error instanceof ConfigError) return BASE.images;
    throw error;
  }
}

/** The image of `field` in `images` with its repository and `tag`. */
function imageWithTag(images: EnvironmentConfig['images'], field: ImageField, tag: string): string {
  return `${requirePinnedImage('Invalid Pulumi stack configuration', `images.${field}`, images[field], images[field]).repository}:${tag}`;
}

/**
 * Validates `source` and resolves the environment's config (its environment file plus the
 * stack's overrides). Throws {@link StackConfigError} listing every problem.
 */
export function readStackConfig(source: ConfigSource): StackConfig {
  const problems: StackConfigProblem[] = [];
  // A misspelt key (`imagetag`) would otherwise be ignored and deploy the default silently.
  for (const key of source.keys().filter((k) => !KNOWN_KEYS.includes(k)).sort()) {
    problems.push({ key, problem: `is not a setting of this project (known: ${KNOWN_KEYS.join(', ')})`, command: `pulumi config rm ${PROJECT}:${key}` });
  }
  const environment = source.get('environment');
  if (!(ENVIRONMENTS as readonly (string | undefined)[]).includes(environment)) {
    problems.push({
      key: 'environment',
      problem: environment === undefined ? 'is not set' : `is "${environment}", not one of ${ENVIRONMENTS.join(', ')}`,
      command: set('environment', `<${ENVIRONMENTS.join('|')}>`),
    });
  }

  // Image tags: one release tag for the three images, or a full reference per image.
  const images: Partial<Record<ImageField, string>> = {};
  const fileImages = environmentImages(environment);
  const tag = source.get('imageTag');
  for (const field of Object.keys(IMAGE_KEYS) as ImageField[]) {
    const own = source.get(IMAGE_KEYS[field]);
    const chosen = own !== undefined ? { key: IMAGE_KEYS[field], image: own } : tag !== undefined ? { key: 'imageTag', image: imageWithTag(fileImages, field, tag) } : undefined;
    if (chosen === undefined) continue;
    const { key, image } = chosen;
    const parsed = parseImage(image);
    if ('problem' in parsed) {
      if (!problems.some((p) => p.key === key)) {
        problems.push({
          key,
          problem: `is "${key === 'imageTag' ? tag : image}": the image ${parsed.problem}`,
          command: key === 'imageTag' ? set('imageTag', '<release tag, e.g. 1.4.3>') : set(key, imageWithTag(fileImages, field, '<tag>')),
        });
      }
      continue;
    }
    // Checked here, so the environment's schema accepts it too: its problems are never an image key's.
    images[field] = image;
  }

  const secrets: Partial<Record<(typeof SECRET_KEYS)[number], pulumi.Output<string>>> = {};
  for (const key of SECRET_KEYS) {
    const value = source.getSecret(key);
    if (value === undefined) {
      problems.push({ key, problem: 'is not set (a required secret)', command: set(key, '<value>', true) });
    } else if (!source.isSecret(key)) {
      // A plaintext value sits unencrypted in Pulumi.<stack>.yaml and in state.
      problems.push({ key, problem: 'is stored in plaintext', command: set(key, '<value>', true) });
    } else {
      secrets[key] = value;
    }
  }

  // One override object per stack key: the environment config merges them in order, and no two
  // keys set the same field.
  const overrides: Record<string, unknown>[] = [];
  const fieldKeys = Object.keys(FIELD_KEYS).filter((key) => source.get(key) !== undefined);
  for (const key of fieldKeys) {
    const { path, list: isList } = FIELD_KEYS[key]!;
    const value = source.get(key)!;
    overrides.push(atPath(path, isList ? list(value) : value));
  }
  overrides.push({ images });

  let resolved: EnvironmentConfig | undefined;
  if (environment !== undefined && problems.every((p) => p.key !== 'environment')) {
    try {
      resolved = loadEnvironment(environment, ...overrides);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // Translate the environment's field paths back to the stack keys that set them.
      const keyOfPath = new Map(fieldKeys.map((key) => [FIELD_KEYS[key]!.path, key]));
      for (const p of error.problems) {
        // A list's problem may sit at one entry: `network.apiServerCidrs[1]`.
        const fieldPath = p.path.replace(/\[\d+\]$/, '');
        const owner = keyOfPath.get(fieldPath);
        if (owner) {
          const entry = fieldPath === p.path ? '' : ` (entry ${JSON.stringify(p.value)})`;
          problems.push({ key: owner, problem: `is ${JSON.stringify(source.get(owner))}${entry}: ${p.fix}`, command: set(owner, FIELD_KEYS[owner]!.example) });
        } else {
          problems.push({ key: 'environment', problem: `"${environment}" is invalid at ${p.path} = ${JSON.stringify(p.value)}: ${p.fix}`, command: `edit stacks/environments/${environment}.ts` });
        }
      }
    }
  }
  if (problems.length > 0 || resolved === undefined) throw new StackConfigError(problems);
  const kubeContext = source.get('kubeContext');
  return { environment: resolved, ...(kubeContext ? { kubeContext } : {}), secrets: secrets as SecretValues };
}

/** The source of a running Pulumi program: the project's config namespace. */
export function pulumiConfigSource(): ConfigSource {
  const config = new pulumi.Config(PROJECT);
  // isConfigSecret is exported by the SDK's runtime/config module but kept out of its typings.
  const runtimeConfig = require('@pulumi/pulumi/runtime/config') as { isConfigSecret(fullKey: string): boolean };
  return {
    get: (key) => config.get(key),
    getSecret: (key) => config.getSecret(key),
    isSecret: (key) => runtimeConfig.isConfigSecret(`${PROJECT}:${key}`),
    keys: () => Object.keys(pulumi.runtime.allConfig()).filter((k) => k.startsWith(`${PROJECT}:`)).map((k) => k.slice(PROJECT.length + 1)),
  };
}
