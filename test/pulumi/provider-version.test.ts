import { assertProviderVersion, installedProviderVersion, MIN_PROVIDER_VERSION } from '../../pulumi/provider-version';

test('the installed @pulumi/kubernetes handles ignoreChanges under server-side apply (≥ the minimum)', () => {
  expect(() => assertProviderVersion(installedProviderVersion())).not.toThrow();
});

test.each(['4.9.0', '4.34.2', 'v4.10.0', '5.0.0', '4.9.1-alpha.1'])('accepts %s', (version) => {
  expect(() => assertProviderVersion(version)).not.toThrow();
});

test.each(['4.8.1', '3.30.2', '4.0.0', 'v4.8.9', 'unknown'])('fails when the provider is %s, naming the bug and the fix', (version) => {
  expect(() => assertProviderVersion(version)).toThrow(
    `@pulumi/kubernetes ${version} is older than ${MIN_PROVIDER_VERSION}: its server-side apply may take spec.replicas from the ` +
      `HorizontalPodAutoscaler despite ignoreChanges (pulumi/pulumi-kubernetes#2714). Fix: npm install @pulumi/kubernetes@^${MIN_PROVIDER_VERSION}.`,
  );
});
