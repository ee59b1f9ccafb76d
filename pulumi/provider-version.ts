/**
 * The program depends on two behaviours of the Kubernetes provider, and refuses to run with a
 * provider that lacks either:
 *
 * - **ignoreChanges under server-side apply.** The HPA-owned replica handling
 *   (pulumi/resource-plan.ts, docs/pulumi.md "HPA-managed Deployments") relies on how the provider
 *   applies a field listed in `ignoreChanges` (provider/pkg/await/await.go,
 *   `handleSSAIgnoreFields`): the field is left out of the apply when another field manager owns
 *   it and Pulumi does not, and otherwise sent with its live value. That comparison of
 *   field-manager paths is correct since provider 4.9.0 (pulumi/pulumi-kubernetes#2828, fixing
 *   #2714, where an update with `ignoreChanges` took ownership of the ignored field).
 * - **The `pulumi.com/waitFor` annotation** (`WAIT_FOR_ANNOTATION` in pulumi/resource-plan.ts),
 *   which replaces the default await of an Ingress whose backend Service Flagger creates at
 *   runtime (an older provider ignores the annotation and blocks on that Service until timeout;
 *   the annotation takes precedence since 4.18.4) and of every Deployment, whose rollout
 *   condition (pulumi/rollout-complete.ts) is an RFC 9535 JSONPath filter comparing fields through
 *   `$`: the provider parses waitFor that way since pulumi/pulumi-kubernetes#3658 (merged
 *   2025-05-29, after 4.23.0 of 2025-05-01), so 4.24.0; before, the kubectl dialect rejects it
 *   and every Deployment update fails. Measured on 4.25.0 (test/cluster/10-pulumi-0). 4.24.0 is
 *   therefore the minimum.
 *
 * The provider plugin runs at the version of the `@pulumi/kubernetes` SDK, so the SDK's version
 * is checked before anything is registered.
 */
export const MIN_PROVIDER_VERSION = '4.24.0';

function parts(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Throws unless `version` is at least {@link MIN_PROVIDER_VERSION}. */
export function assertProviderVersion(version: string): void {
  const have = parts(version);
  const need = parts(MIN_PROVIDER_VERSION)!;
  // Compared at the first component that differs (major, then minor, then patch).
  if (have === undefined || (have[0] - need[0] || have[1] - need[1] || have[2] - need[2]) < 0) {
    throw new Error(
      `@pulumi/kubernetes ${version} is older than ${MIN_PROVIDER_VERSION}, which this program needs for three reasons: ` +
        `(1) before 4.9.0 its server-side apply may take spec.replicas from the HorizontalPodAutoscaler despite ignoreChanges ` +
        `(pulumi/pulumi-kubernetes#2714); (2) before 4.18.4 it ignores the pulumi.com/waitFor annotation, so the orchestrator ` +
        `Ingress would wait for the Service Flagger creates later and time out; (3) before 4.24.0 it cannot parse the RFC 9535 ` +
        `JSONPath of the Deployments' pulumi.com/waitFor (pulumi/pulumi-kubernetes#3658), so every Deployment update would fail. ` +
        `Fix: npm install @pulumi/kubernetes@^${MIN_PROVIDER_VERSION}.`,
    );
  }
}

/** The version of the installed SDK, which is the provider plugin's version. */
export function installedProviderVersion(): string {
  return (require('@pulumi/kubernetes/package.json') as { version: string }).version;
}
