import { assertProviderVersion, installedProviderVersion } from '../../pulumi/provider-version';

test('the installed @pulumi/kubernetes handles ignoreChanges under server-side apply and pulumi.com/waitFor (≥ the minimum)', () => {
  expect(() => assertProviderVersion(installedProviderVersion())).not.toThrow();
});

test.each(['4.24.0', '4.34.2', 'v4.25.0', '5.0.0', '4.24.1-alpha.1'])('accepts %s', (version) => {
  expect(() => assertProviderVersion(version)).not.toThrow();
});

// 4.18.4 to 4.23.x apply waitFor but in kubectl's JSONPath dialect; 4.9.0 to 4.18.3 handle
// ignoreChanges but not pulumi.com/waitFor; older ones handle none of it.
test.each(['4.23.9', '4.18.4', '4.18.3', '4.17.9', '4.9.0', '4.8.1', '3.30.2', '4.0.0', 'v4.8.9', 'unknown'])('fails when the provider is %s, naming the three reasons and the fix', (version) => {
  expect(() => assertProviderVersion(version)).toThrow(
    `@pulumi/kubernetes ${version} is older than 4.24.0, which this program needs for three reasons: ` +
      `(1) before 4.9.0 its server-side apply may take spec.replicas from the HorizontalPodAutoscaler despite ignoreChanges ` +
      `(pulumi/pulumi-kubernetes#2714); (2) before 4.18.4 it ignores the pulumi.com/waitFor annotation, so the orchestrator ` +
      `Ingress would wait for the Service Flagger creates later and time out; (3) before 4.24.0 it cannot parse the RFC 9535 ` +
      `JSONPath of the Deployments' pulumi.com/waitFor (pulumi/pulumi-kubernetes#3658), so every Deployment update would fail. ` +
      `Fix: npm install @pulumi/kubernetes@^4.24.0.`,
  );
});

// Compared as numbers, part by part: 4.24.10 is newer than 4.24.0, 4.100.0 than 4.24.0.
test.each(['4.24.10', '4.100.0', '10.0.0', '4.25.0-rc.1', 'v5.0.0'])('accepts %s (numerically at least 4.24.0)', (version) => {
  expect(() => assertProviderVersion(version)).not.toThrow();
});

test.each(['4.9.10', '4.23.100', '3.100.100', '4.24', 'x4.24.0', 'V4.24.0', '', 'v'])('fails on %j', (version) => {
  expect(() => assertProviderVersion(version)).toThrow(`@pulumi/kubernetes ${version} is older than 4.24.0`);
});
