import { assertProviderVersion, installedProviderVersion } from '../../pulumi/provider-version';

test('the installed @pulumi/kubernetes handles ignoreChanges under server-side apply and pulumi.com/waitFor (≥ the minimum)', () => {
  expect(() => assertProviderVersion(installedProviderVersion())).not.toThrow();
});

test.each(['4.18.4', '4.34.2', 'v4.19.0', '5.0.0', '4.18.5-alpha.1'])('accepts %s', (version) => {
  expect(() => assertProviderVersion(version)).not.toThrow();
});

// 4.9.0 to 4.18.3 handle ignoreChanges but not pulumi.com/waitFor; older ones handle neither.
test.each(['4.18.3', '4.17.9', '4.9.0', '4.8.1', '3.30.2', '4.0.0', 'v4.8.9', 'unknown'])('fails when the provider is %s, naming both reasons and the fix', (version) => {
  expect(() => assertProviderVersion(version)).toThrow(
    `@pulumi/kubernetes ${version} is older than 4.18.4, which this program needs for two reasons: ` +
      `(1) before 4.9.0 its server-side apply may take spec.replicas from the HorizontalPodAutoscaler despite ignoreChanges ` +
      `(pulumi/pulumi-kubernetes#2714); (2) before 4.18.4 it ignores the pulumi.com/waitFor annotation, so the orchestrator ` +
      `Ingress would wait for the Service Flagger creates later and time out. Fix: npm install @pulumi/kubernetes@^4.18.4.`,
  );
});

// Compared as numbers, part by part: 4.18.10 is newer than 4.18.4, 4.100.0 than 4.18.4.
test.each(['4.18.10', '4.100.0', '10.0.0', '4.19.0-rc.1', 'v5.0.0'])('accepts %s (numerically at least 4.18.4)', (version) => {
  expect(() => assertProviderVersion(version)).not.toThrow();
});

test.each(['4.9.10', '3.100.100', '4.18', 'x4.18.4', 'V4.18.4', '', 'v'])('fails on %j', (version) => {
  expect(() => assertProviderVersion(version)).toThrow(`@pulumi/kubernetes ${version} is older than 4.18.4`);
});
