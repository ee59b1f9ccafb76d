/**
 * The Pulumi program: stack config → environment → cdk8s chart synthesized in process → one
 * Pulumi resource per object, all through one Kubernetes provider bound to the stack's context.
 */
import * as k8s from '@pulumi/kubernetes';
import { DashboardKey } from '../lib/runbook';
import { synthesizeEnvironment } from '../stacks/synth';
import { assertProviderVersion, installedProviderVersion } from './provider-version';
import { ConfigSource, readStackConfig } from './stack-config';
import { WorkflowStack } from './workflow-stack';

/** The stack outputs. No secret is among them. */
export interface ProgramOutputs {
  readonly namespace: string;
  readonly deployments: readonly string[];
  readonly canaryName: string;
  /** Bound for `npm run wait-canary` after `pulumi up` (pulumi/canary-wait.ts). */
  readonly canaryAnalysisTimeoutSeconds: number;
  readonly apiUrl: string;
  readonly dashboardUrls: Readonly<Record<DashboardKey, string>>;
}

export function runProgram(source: ConfigSource): { stack: WorkflowStack; outputs: ProgramOutputs } {
  // Validate the provider and all config before registering anything.
  assertProviderVersion(installedProviderVersion());
  const { environment, kubeContext, secrets } = readStackConfig(source);
  const synthesized = synthesizeEnvironment(environment);
  // The provider and the component are named after the environment's namespace (their URNs keep that name).
  const name = environment.namespace;
  // Server-side apply (the v4 default, stated here because the replica handling relies on it):
  // with ignoreChanges, a field another manager owns (the HPA's spec.replicas) is left out of
  // the apply and stays theirs; see pulumi/provider-version.ts and docs/pulumi.md.
  const provider = new k8s.Provider(name, { ...(kubeContext ? { context: kubeContext } : {}), enableServerSideApply: true });
  const stack = new WorkflowStack(name, { synthesized, secrets }, { providers: [provider] });
  return {
    stack,
    outputs: {
      namespace: stack.namespace,
      deployments: stack.deployments,
      canaryName: stack.canaryName,
      canaryAnalysisTimeoutSeconds: stack.canaryAnalysisTimeoutSeconds,
      apiUrl: stack.apiUrl,
      dashboardUrls: stack.dashboardUrls,
    },
  };
}
