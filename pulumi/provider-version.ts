/**
 * The HPA-owned replica handling (pulumi/resource-plan.ts, docs/pulumi.md "HPA-managed
 * Deployments") relies on how the Kubernetes provider applies a field listed in `ignoreChanges`
 * under server-side apply (provider/pkg/await/await.go, `handleSSAIgnoreFields`): the field is
 * left out of the apply when another field manager owns it and Pulumi does not, and otherwise
 * sent with its live value. That comparison of field-manager paths is correct since provider
 * 4.9.0 (pulumi/pulumi-kubernetes#2828, fixing #2714, where an update with `ignoreChanges` took
 * ownership of the ignored field). The provider plugin runs at the version of the
 * `@pulumi/kubernetes` SDK, so the SDK's version is checked before anything is registered.
 */
export const MIN_PROVIDER_VERSION = '4.9.0';

function parts(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Throws unless `version` is at least {@link MIN_PROVIDER_VERSION}. */
export function assertProviderVersion(version: string): void {
  const have = parts(version);
  const need = parts(MIN_PROVIDER_VERSION)!;
  // Compared at the first component that differs (major, then minor, then patch).
  const first = have === undefined ? -1 : have.findIndex((n, i) => n !== need[i]);
  if (have === undefined || (first !== -1 && have[first]! < need[first]!)) {
    throw new Error(
      `@pulumi/kubernetes ${version} is older than ${MIN_PROVIDER_VERSION}: its server-side apply may take spec.replicas from the ` +
        `HorizontalPodAutoscaler despite ignoreChanges (pulumi/pulumi-kubernetes#2714). Fix: npm install @pulumi/kubernetes@^${MIN_PROVIDER_VERSION}.`,
    );
  }
}

/** The version of the installed SDK, which is the provider plugin's version. */
export function installedProviderVersion(): string {
  return (require('@pulumi/kubernetes/package.json') as { version: string }).version;
}
