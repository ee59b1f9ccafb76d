/**
 * The Kubernetes Secrets the package references (lib/secrets.ts), created from
 * `pulumi config set --secret` values. Their values exist only as Pulumi secret Outputs: encrypted
 * in the stack file and in state, shown as [secret] in previews and outputs, and written to the
 * cluster only inside these Secrets; no synthesized manifest ever holds one.
 */
import * as pulumi from '@pulumi/pulumi';
import { SECRETS, SecretKey } from '../lib/secrets';
import { componentLabels } from '../lib/workloads/labels';
import { ManifestObject } from '../stacks/synth';

export type SecretValues = Readonly<Record<SecretKey, pulumi.Input<string>>>;

export const SECRET_KEYS = Object.keys(SECRETS) as SecretKey[];

/** Secret names, each with the SECRETS entries it holds (several entries may share one Secret). */
function entriesByName(): Map<string, SecretKey[]> {
  const byName = new Map<string, SecretKey[]>();
  for (const key of SECRET_KEYS) byName.set(SECRETS[key].name, [...(byName.get(SECRETS[key].name) ?? []), key]);
  return byName;
}

/** The Secrets as manifests without data, so they are ordered and named like every other object. */
export function secretManifests(namespace: string): ManifestObject[] {
  return [...entriesByName().keys()].sort().map((name) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: componentLabels(name, 'secret') },
    type: 'Opaque',
  }));
}

/**
 * `stringData` of Secret `name`; undefined if `name` is not one of SECRETS. `k8s.core.v1.Secret`
 * wraps `data` and `stringData` in `pulumi.secret` and lists them as additional secret outputs, so
 * the values are secret in state and outputs even when a caller passes plain strings.
 */
export function secretStringData(name: string, values: SecretValues): Record<string, pulumi.Input<string>> | undefined {
  const keys = entriesByName().get(name);
  if (keys === undefined) return undefined;
  return Object.fromEntries(keys.map((key) => [SECRETS[key].key, values[key]]));
}
