/**
 * Which Pulumi resource class registers a synthesized object, decided by apiVersion/kind alone so
 * any object a chart adds (a ConfigMap, a PodMonitor, a Flagger Canary) is handled without a
 * hard-coded list here.
 *
 * Built-in kinds get the provider's typed class (`k8s.apps.v1.Deployment`, …): it has the right
 * type token (`kubernetes:apps/v1:Deployment`, which the provider's await logic and policy packs
 * key on) and, for Secrets, marks `data`/`stringData` as secret outputs. Everything else (CRD
 * kinds) is a `k8s.apiextensions.CustomResource`.
 *
 * Why not `k8s.yaml.v2.ConfigGroup`: it is expanded by the provider, so under
 * `pulumi.runtime.setMocks` its children never exist and per-object names, options and diffs
 * cannot be tested. v1 `ConfigGroup` with `objs` creates its children inside an `apply`, which
 * keeps per-object `dependsOn` between siblings out of reach. One typed resource per object keeps
 * every object, name and option visible to preview and to the tests.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { splitApiVersion } from '../lib/manifest';

/** The constructor shape shared by every generated Kubernetes resource class. */
export type KubernetesResourceClass = new (name: string, args: object, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * API groups served by Kubernetes itself: the legacy unsuffixed groups and `*.k8s.io`
 * (Kubernetes' own naming rule for built-in groups). CRD groups never match this.
 */
const LEGACY_BUILTIN_GROUPS = new Set(['', 'apps', 'autoscaling', 'batch', 'policy']);

export function isBuiltinGroup(group: string): boolean {
  return LEGACY_BUILTIN_GROUPS.has(group) || group.endsWith('.k8s.io');
}

/** The SDK module of a built-in group: '' → core, `rbac.authorization.k8s.io` → rbac, `apps` → apps. */
function sdkModuleOf(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

/**
 * The Pulumi type token of an object of `apiVersion`/`kind`: `kubernetes:<group>/<version>:<Kind>`,
 * the core group spelt `core` (`kubernetes:core/v1:Namespace`, `kubernetes:flagger.app/v1beta1:Canary`).
 * The typed classes carry it, and CustomResource builds it from apiVersion and kind the same way.
 */
export function typeTokenOf(apiVersion: string, kind: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return `kubernetes:${group === '' ? 'core' : group}/${version}:${kind}`;
}

/** The class to register an object of `apiVersion`/`kind` with. */
export function resourceClassFor(apiVersion: string, kind: string): KubernetesResourceClass {
  const { group, version } = splitApiVersion(apiVersion);
  if (!isBuiltinGroup(group)) return k8s.apiextensions.CustomResource as unknown as KubernetesResourceClass;
  const module = (k8s as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>)[sdkModuleOf(group)];
  const cls = module?.[version]?.[kind];
  if (typeof cls !== 'function') {
    // A built-in kind the SDK lacks would be registered under a wrong type token by CustomResource.
    throw new Error(
      `No @pulumi/kubernetes class for built-in ${apiVersion} ${kind}. Fix: upgrade @pulumi/kubernetes, or use an API version it supports.`,
    );
  }
  return cls as KubernetesResourceClass;
}
