/**
 * What the live Pulumi suites read back: a stack's URNs as the program names them, the CLI's
 * resource summary, the engine's state and the live objects of a stack.
 */
import { stringify } from 'yaml';
import { PROJECT_NAME } from '../../lib/runbook';
import { typeTokenOf } from '../../pulumi/resource-class';
import { planStack, ResourcePlan } from '../../pulumi/resource-plan';
import { kubectlSync } from '../../scripts/cluster/kubectl';
import { EnvironmentName } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { synthesizeEnvironment } from '../../stacks/synth';
import { cluster, kubeJson } from './live-cluster';
import { forStack, docCommand } from './pulumi-doc';
import { PulumiOperator, StateResource } from './pulumi-operator';

/** The component every object is a child of (pulumi/workflow-stack.ts). */
export const COMPONENT_TYPE = 'agentaskit:deploy:WorkflowStack';

export function stackPlans(env: EnvironmentName): ResourcePlan[] {
  return planStack(synthesizeEnvironment(loadEnvironment(env)));
}

/** The URN the engine gives a planned object: `urn:pulumi:<stack>::<project>::<component>$<type>::<name>`. */
export function expectedUrn(env: EnvironmentName, plan: ResourcePlan): string {
  return `urn:pulumi:${env}::${PROJECT_NAME}::${COMPONENT_TYPE}$${typeTokenOf(plan.object.apiVersion, plan.object.kind)}::${plan.name}`;
}

/** The command of docs/pulumi.md's pipeline that deploys: `pulumi up --stack <env> --policy-pack policy --yes`. */
export function upCommand(env: EnvironmentName): string {
  return forStack(docCommand('What a deploy pipeline runs', /^pulumi up /), env);
}

const SUMMARY_WORDS: Record<string, string> = {
  'to create': 'create', created: 'created', 'to update': 'update', updated: 'updated', 'to delete': 'delete', deleted: 'deleted',
  'to replace': 'replace', replaced: 'replaced', unchanged: 'unchanged', 'to create replacement': 'replace', 'to delete original': 'delete',
};

/** The `Resources:` summary the CLI prints last (`+ 43 to create`, `42 unchanged`), as counts by word. */
export function previewSummary(output: string): Record<string, number> {
  const at = output.lastIndexOf('\nResources:\n');
  if (at === -1) throw new Error(`no "Resources:" summary in:\n${output}`);
  const counts: Record<string, number> = {};
  for (const line of output.slice(at + 12).split('\n')) {
    if (line.trim() === '') break;
    const m = /^\s*(?:[-+~±]|\+-)?\s*(\d+) (.+?)\s*$/.exec(line);
    if (!m) throw new Error(`unexpected summary line "${line}"`);
    const word = SUMMARY_WORDS[m[2]!];
    if (word === undefined) throw new Error(`unexpected summary word "${m[2]}" in "${line}"`);
    counts[word] = (counts[word] ?? 0) + Number(m[1]);
  }
  return counts;
}

/** The stack's resources in state, by URN. */
export async function deployedState(op: PulumiOperator, env: EnvironmentName): Promise<Map<string, StateResource>> {
  const state = await op.exportState(env);
  return new Map((state.deployment.resources ?? []).map((r) => [r.urn, r]));
}

export interface LiveObject {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    managedFields?: Array<{ manager: string; operation: string; subresource?: string; fieldsV1?: Record<string, unknown> }>;
  };
}

/** Every object of the stack (its Secrets included) that exists in the cluster. */
export function liveObjectsOf(env: EnvironmentName): LiveObject[] {
  const input = stackPlans(env).map((p) => stringify({ apiVersion: p.object.apiVersion, kind: p.object.kind, metadata: { name: p.object.metadata.name, namespace: p.object.metadata.namespace } })).join('---\n');
  const res = kubectlSync(cluster().kubeconfig, ['get', '-f', '-', '--ignore-not-found', '-o', 'json', '--show-managed-fields'], { input });
  if (res.code !== 0) throw new Error(`kubectl get -f <stack objects> exited ${res.code}: ${res.stderr}`);
  if (res.stdout.trim() === '') return [];
  const parsed = JSON.parse(res.stdout) as { items?: LiveObject[]; kind?: string };
  return parsed.items ?? [parsed as unknown as LiveObject];
}

/** Seconds from `started` until the last current (not terminating) pod of the namespace became Ready. */
export function whenAllPodsReady(ns: string, started: number): number {
  const pods = kubeJson<{ items: Array<{ metadata: { deletionTimestamp?: string }; status: { conditions?: Array<{ type: string; status: string; lastTransitionTime: string }> } }> }>(['pods', '-n', ns]).items;
  const times = pods
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.status.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime)
    .map((t) => (t === undefined ? Number.POSITIVE_INFINITY : Date.parse(t)));
  return Number(((Math.max(...times) - started) / 1000).toFixed(1));
}

/** The managers of a field path (`f:spec`, `f:replicas`) in an object's managedFields, `manager/operation[/subresource]`. */
export function ownersOf(object: LiveObject, fieldPath: readonly string[]): string[] {
  return (object.metadata.managedFields ?? [])
    .filter((m) => {
      let node: unknown = m.fieldsV1;
      for (const f of fieldPath) node = (node as Record<string, unknown> | undefined)?.[f];
      return node !== undefined;
    })
    .map((m) => [m.manager, m.operation, ...(m.subresource ? [m.subresource] : [])].join('/'))
    .sort();
}
