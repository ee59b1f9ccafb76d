/**
 * The facts runbook WF-001's commands rely on, asserted on production as it runs: the synthesized
 * objects plus what Flagger creates from the Canary (test/support/flagger-runtime.ts). Label
 * selectors select the right pods, `deployment/<name>` exists, the API URLs route to the component
 * that serves them, and the agent-manager may do what agent management needs.
 * runbook-doc.test.ts runs the commands of docs/runbooks/WF-001.md themselves.
 */
import { API_PATHS, COMPONENTS, PRODUCTION_AGENT_POOL_SIZE } from '../../lib/runbook';
import { AGENT_MANAGER_LEADER_LEASE } from '../../lib/workloads/agent-manager';
import { ManifestObject } from '../../stacks/synth';
import { findObject, synthesized } from '../support/environments';
import { flaggerRuntimeObjects } from '../support/flagger-runtime';
import { routeOf } from '../support/ingress-routing';
import type { Json } from '../../lib/manifest';

const production = synthesized('production');
const NAMESPACE = 'agentaskit-production';
const world: ManifestObject[] = [...production.objects, ...flaggerRuntimeObjects(production.objects)];
const deployments = world.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === NAMESPACE);
/** Canary targets: Flagger scales them to 0 between releases; their `-primary` copy serves. */
const canaryTargets = new Set(world.filter((o) => o.kind === 'Canary').map((o) => (o.spec as Json).targetRef.name as string));

/**
 * Deployments whose pods a label selector selects. Each requirement is a key and the values it
 * accepts: `{ app: ['a'] }` is `-l app=a`, `{ app: ['a', 'b'] }` is `-l 'app in (a, b)'`.
 */
function deploymentsSelectedBy(selector: Record<string, readonly string[]>): string[] {
  return deployments
    .filter((o) => {
      const labels: Record<string, string> = (o.spec as Json).template.metadata.labels;
      return Object.entries(selector).every(([key, values]) => labels[key] !== undefined && values.includes(labels[key]));
    })
    .map((o) => o.metadata.name)
    .sort();
}

/** Of those, the ones that run pods between releases (not a canary target scaled to 0). */
function servingDeploymentsSelectedBy(selector: Record<string, readonly string[]>): string[] {
  return deploymentsSelectedBy(selector).filter((name) => !canaryTargets.has(name));
}

function roleAllows(role: ManifestObject, verb: string, apiGroup: string, resource: string, name?: string): boolean {
  const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  return rules.some((r) => r.apiGroups.includes(apiGroup) && r.resources.includes(resource) && r.verbs.includes(verb)
    && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
}

describe('orchestrator pods, with Flagger serving from orchestrator-primary', () => {
  test('the orchestrator is a canary target: Deployment orchestrator-primary serves, orchestrator is scaled to 0 between releases', () => {
    expect(canaryTargets).toEqual(new Set([COMPONENTS.orchestrator.name]));
    expect(findObject(world, 'Deployment', 'orchestrator-primary').metadata.namespace).toBe(NAMESPACE);
  });

  test("-l app=orchestrator selects only the canary Deployment's pods (none between releases)", () => {
    expect(deploymentsSelectedBy({ app: ['orchestrator'] })).toEqual(['orchestrator']);
    expect(servingDeploymentsSelectedBy({ app: ['orchestrator'] })).toEqual([]);
  });

  test("-l 'app in (orchestrator, orchestrator-primary)' (the runbook's command) selects the serving and the canary pods", () => {
    expect(deploymentsSelectedBy({ app: ['orchestrator', 'orchestrator-primary'] })).toEqual(['orchestrator', 'orchestrator-primary']);
    expect(servingDeploymentsSelectedBy({ app: ['orchestrator', 'orchestrator-primary'] })).toEqual(['orchestrator-primary']);
  });

  test('-l app.kubernetes.io/name=orchestrator selects both primary and canary pods', () => {
    expect(deploymentsSelectedBy({ 'app.kubernetes.io/name': ['orchestrator'] })).toEqual(['orchestrator', 'orchestrator-primary']);
  });
});

test('kubectl logs -n agentaskit-production -l app=agent-worker selects the agent pods, which serve', () => {
  expect(deploymentsSelectedBy({ app: ['agent-worker'] })).toEqual(['agent-worker']);
  expect(servingDeploymentsSelectedBy({ app: ['agent-worker'] })).toEqual(['agent-worker']);
});

test.each(['orchestrator', 'orchestrator-primary', 'agent-manager', 'agent-worker'])('deployment/%s exists in agentaskit-production', (name) => {
  expect(findObject(world, 'Deployment', name).metadata.namespace).toBe(NAMESPACE);
});

test('the agent pool is 928 agents: the HPA keeps at least that many', () => {
  const hpa = findObject(world, 'HorizontalPodAutoscaler', 'agent-worker');
  expect((hpa.spec as { minReplicas: number }).minReplicas).toBe(PRODUCTION_AGENT_POOL_SIZE);
  expect(PRODUCTION_AGENT_POOL_SIZE).toBe(928);
});

test('curl https://api.agentaskit.io/api/v1/health/workflows reaches the orchestrator', () => {
  expect(routeOf(world, `https://api.agentaskit.io${API_PATHS.workflowsHealth}`)).toBe('orchestrator');
});

test('curl -X POST https://api.agentaskit.io/api/v1/workflows/advance reaches the orchestrator', () => {
  expect(routeOf(world, 'https://api.agentaskit.io/api/v1/workflows/advance')).toBe('orchestrator');
});

test('curl https://api.agentaskit.io/api/v1/agents/health reaches the agent-manager', () => {
  expect(routeOf(world, 'https://api.agentaskit.io/api/v1/agents/health')).toBe('agent-manager');
});

test('paths outside the API are not routed', () => {
  expect(routeOf(world, 'https://api.agentaskit.io/api/v1/healthz')).toBeUndefined();
  expect(routeOf(world, 'https://api.agentaskit.io/api/v1/workflowsx')).toBeUndefined();
});

test('the API host is served over TLS', () => {
  for (const ingress of world.filter((o) => o.kind === 'Ingress')) {
    expect((ingress.spec as { tls: { hosts: string[] }[] }).tls[0]!.hosts).toEqual(['api.agentaskit.io']);
  }
});

describe('the agent-manager may do what the runbook asks of agent management, and nothing else', () => {
  const role = findObject(world, 'Role', 'agent-manager');

  test('list and watch agent pods (list-agents)', () => {
    expect(roleAllows(role, 'list', '', 'pods') && roleAllows(role, 'watch', '', 'pods')).toBe(true);
  });
  test('label and delete unhealthy pods (kubectl delete pod -l app=agent-worker,status=unhealthy)', () => {
    expect(roleAllows(role, 'patch', '', 'pods') && roleAllows(role, 'delete', '', 'pods')).toBe(true);
  });
  test('add healthy agents by raising the floor of HPA agent-worker (the lasting "scale deployment/agent-worker"), and only that HPA', () => {
    expect(roleAllows(role, 'patch', 'autoscaling', 'horizontalpodautoscalers', 'agent-worker')).toBe(true);
    expect(roleAllows(role, 'patch', 'autoscaling', 'horizontalpodautoscalers', 'orchestrator')).toBe(false);
  });
  test('read the pool\'s state, but never write its replica count (the HPA would revert it)', () => {
    expect(roleAllows(role, 'get', 'apps', 'deployments', 'agent-worker')).toBe(true);
    expect(roleAllows(role, 'get', 'autoscaling', 'horizontalpodautoscalers', 'agent-worker')).toBe(true);
    for (const verb of ['update', 'patch']) {
      expect(roleAllows(role, verb, 'apps', 'deployments/scale', 'agent-worker')).toBe(false);
      expect(roleAllows(role, verb, 'apps', 'deployments', 'agent-worker')).toBe(false);
    }
  });
  test('elect one active replica: create Leases, renew only Lease agent-manager', () => {
    expect(roleAllows(role, 'create', 'coordination.k8s.io', 'leases')).toBe(true);
    for (const verb of ['get', 'update', 'patch']) {
      expect(roleAllows(role, verb, 'coordination.k8s.io', 'leases', AGENT_MANAGER_LEADER_LEASE)).toBe(true);
      expect(roleAllows(role, verb, 'coordination.k8s.io', 'leases', 'kube-scheduler')).toBe(false);
    }
    expect(roleAllows(role, 'delete', 'coordination.k8s.io', 'leases', AGENT_MANAGER_LEADER_LEASE)).toBe(false);
  });
  test('no secrets, no pod exec, no wildcards', () => {
    expect(roleAllows(role, 'get', '', 'secrets')).toBe(false);
    expect(roleAllows(role, 'create', '', 'pods/exec')).toBe(false);
    expect(JSON.stringify(role.rules)).not.toContain('*');
  });
  test('is bound to the agent-manager ServiceAccount', () => {
    const binding = findObject(world, 'RoleBinding', 'agent-manager');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-manager', namespace: NAMESPACE }]);
  });
});
