/**
 * Every `kubectl` and `curl` command in docs/runbooks/WF-001.md, checked against what exists in
 * production: the synthesized objects, the Secrets the Pulumi program creates, and the objects
 * Flagger creates from the Canary. An operator following the runbook never meets "NotFound" or
 * a selector that matches nothing because the package renamed something.
 */
import { APP_BIN_DIR } from '../../lib/runbook';
import { secretManifests } from '../../pulumi/secrets';
import { ManifestObject } from '../../stacks/synth';
import { synthesized } from '../support/environments';
import { flaggerRuntimeObjects } from '../support/flagger-runtime';
import { routeOf } from '../support/ingress-routing';
import { runbookCommands as commands, words } from '../support/runbook-commands';
import type { Json } from '../../lib/manifest';

const production = synthesized('production');
const NAMESPACE = production.config.namespace;
/** Namespaces of the cluster services the runbook also uses (Flagger, Prometheus). */
const EXTERNAL_NAMESPACES = new Set([production.config.canary.loadTester.namespace, production.config.monitoring.namespace]);
/** Labels set on pods at runtime, not in templates: the agent-manager marks agents `status=unhealthy`. */
const RUNTIME_LABELS = new Set(['status']);

const world: ManifestObject[] = [...production.objects, ...secretManifests(NAMESPACE), ...flaggerRuntimeObjects(production.objects)];

const KIND_ALIASES: Readonly<Record<string, string>> = {
  pod: 'Pod', pods: 'Pod', po: 'Pod',
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  hpa: 'HorizontalPodAutoscaler', horizontalpodautoscaler: 'HorizontalPodAutoscaler',
  canary: 'Canary', canaries: 'Canary',
  secret: 'Secret', secrets: 'Secret',
  svc: 'Service', service: 'Service',
  endpoints: 'Service', ep: 'Service', // an Endpoints object exists for every Service
  events: 'Event',
};

interface Kubectl {
  readonly namespace?: string;
  readonly selector?: string;
  readonly positional: string[];
  readonly afterDashes: string[];
}

const FLAGS_WITH_VALUE = new Set(['-n', '--namespace', '-l', '--selector', '-o', '--output', '-p', '--patch', '--type', '-c', '--container', '-d']);

function parseKubectl(argv: readonly string[]): Kubectl {
  let namespace: string | undefined;
  let selector: string | undefined;
  const positional: string[] = [];
  const dashes = argv.indexOf('--');
  const head = dashes === -1 ? argv.slice(1) : argv.slice(1, dashes);
  for (let i = 0; i < head.length; i++) {
    const arg = head[i]!;
    if (FLAGS_WITH_VALUE.has(arg)) {
      const value = head[++i]!;
      if (arg === '-n' || arg === '--namespace') namespace = value;
      if (arg === '-l' || arg === '--selector') selector = value;
    } else if (!arg.startsWith('-')) {
      positional.push(arg);
    }
  }
  return { namespace, selector, positional, afterDashes: dashes === -1 ? [] : argv.slice(dashes + 1) };
}

/** `a=b,c in (x, y)` → requirements; matches pod template labels of a Deployment. */
function selects(selector: string, labels: Readonly<Record<string, string>>): boolean {
  return selector.split(/,(?![^(]*\))/).every((requirement) => {
    const set = /^\s*([\w./-]+)\s+in\s+\(([^)]*)\)\s*$/.exec(requirement);
    const [key, values] = set ? [set[1]!, set[2]!.split(',').map((v) => v.trim())] : [requirement.split('=')[0]!.trim(), [requirement.split('=')[1]!.trim()]];
    return RUNTIME_LABELS.has(key) || values.includes(labels[key] ?? '\0');
  });
}

function find(kind: string, name: string): ManifestObject | undefined {
  return world.find((o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? NAMESPACE) === NAMESPACE);
}

/** Problems with one command; empty when it works against production. */
function problemsOf(argv: readonly string[]): string[] {
  if (argv[0] === 'curl') {
    const url = argv.find((a) => /^https?:\/\//.test(a))!;
    if (url.startsWith('http://localhost')) return []; // a port-forward checked with its kubectl command
    const service = routeOf(world, url);
    if (!service) return [`${url} is not routed by any Ingress`];
    return find('Service', service) ? [] : [`${url} routes to Service ${service}, which does not exist`];
  }
  const cmd = parseKubectl(argv);
  if (!cmd.namespace) return ['no namespace (-n): the runbook must never depend on the current context'];
  if (cmd.namespace !== NAMESPACE) {
    return EXTERNAL_NAMESPACES.has(cmd.namespace) ? [] : [`namespace ${cmd.namespace} is neither ${NAMESPACE} nor a configured cluster service namespace`];
  }
  const problems: string[] = [];
  const [verb, ...rest] = cmd.positional;
  const refs = verb === 'rollout' || verb === 'set' ? rest.slice(1) : rest;
  const typed = refs.filter((r) => !r.includes('=') && !r.includes('<'));
  const references: { kind: string; name?: string }[] = typed[0]?.includes('/')
    ? [{ kind: KIND_ALIASES[typed[0].split('/')[0]!]!, name: typed[0].split('/')[1]! }]
    : typed.length > 0 ? [{ kind: KIND_ALIASES[typed[0]!]!, ...(typed[1] ? { name: typed[1] } : {}) }] : [];
  for (const ref of references) {
    if (!ref.kind) problems.push(`unknown resource type in "${typed[0]}"`);
    else if (ref.name && !find(ref.kind, ref.name)) problems.push(`${ref.kind} ${ref.name} does not exist in ${NAMESPACE}`);
  }
  if (cmd.selector && !cmd.selector.includes('<')) {
    const pods = world.filter((o) => o.kind === 'Deployment' && selects(cmd.selector!, (o.spec as Json).template.metadata.labels));
    if (pods.length === 0) problems.push(`selector "${cmd.selector}" matches no pods`);
  }
  if (verb === 'exec' && !cmd.afterDashes[0]?.startsWith(`${APP_BIN_DIR}/`) && cmd.afterDashes[0] !== 'curl') {
    problems.push(`exec runs ${cmd.afterDashes[0]}, not one of the image's ${APP_BIN_DIR} tools`);
  }
  const target = references[0]?.kind === 'Deployment' ? references[0].name : undefined;
  if (verb === 'scale' && target && world.some((o) => o.kind === 'HorizontalPodAutoscaler' && (o.spec as Json | undefined)?.scaleTargetRef?.name === target)) {
    problems.push(`deployment/${target} is scaled by an HPA, which undoes kubectl scale: patch the HPA's minReplicas instead`);
  }
  if (verb === 'rollout' && rest[0] === 'undo' && target && world.some((o) => o.kind === 'Canary' && (o.spec as Json).targetRef.name === target)) {
    problems.push(`deployment/${target} is a Flagger canary target: undoing it starts a new analysis; follow the canary rollback`);
  }
  if (verb === 'set' && rest[0] === 'image') {
    const deployment = find('Deployment', references[0]!.name!) as Json | undefined;
    const containers: string[] = (deployment?.spec.template.spec.containers ?? []).map((c: Json) => c.name);
    for (const assignment of refs.filter((r) => r.includes('='))) {
      const container = assignment.split('=')[0]!;
      if (!containers.includes(container)) problems.push(`no container "${container}" in ${references[0]!.name}`);
    }
  }
  return problems;
}

const all = commands();

test('the runbook has commands to check', () => {
  expect(all.filter((c) => c.argv[0] === 'kubectl').length).toBeGreaterThan(20);
  expect(all.filter((c) => c.argv[0] === 'curl').length).toBeGreaterThanOrEqual(3);
});

test.each(all.map((c) => [c.text, c.argv] as const))('%s', (_text, argv) => {
  expect(problemsOf(argv)).toEqual([]);
});

describe('the checker finds broken commands', () => {
  test.each([
    ['kubectl logs -n agentaskit-production deployment/orchestrator-secondary', 'Deployment orchestrator-secondary does not exist in agentaskit-production'],
    ['kubectl get pods -n agentaskit-production -l app=orchestrator-v2', 'selector "app=orchestrator-v2" matches no pods'],
    ['kubectl get canary agentaskit-canary', 'no namespace (-n): the runbook must never depend on the current context'],
    ['kubectl get hpa agent-workers -n agentaskit-production', 'HorizontalPodAutoscaler agent-workers does not exist in agentaskit-production'],
    ['kubectl -n agentaskit-production set image deployment/orchestrator app=x:1', 'no container "app" in orchestrator'],
    ['curl -s https://api.agentaskit.io/api/v1/canary/metrics', 'https://api.agentaskit.io/api/v1/canary/metrics is not routed by any Ingress'],
    ['kubectl exec -n agentaskit-production deployment/agent-manager -- sh', 'exec runs sh, not one of the image\'s /app/bin tools'],
    // The original runbook's commands that our objects make wrong:
    ['kubectl scale deployment/agent-worker --replicas=150 -n agentaskit-production', 'deployment/agent-worker is scaled by an HPA, which undoes kubectl scale: patch the HPA\'s minReplicas instead'],
    ['kubectl rollout undo deployment/orchestrator -n agentaskit-production', 'deployment/orchestrator is a Flagger canary target: undoing it starts a new analysis; follow the canary rollback'],
  ])('%s', (command, problem) => {
    expect(problemsOf(words(command))).toEqual([problem]);
  });
});
