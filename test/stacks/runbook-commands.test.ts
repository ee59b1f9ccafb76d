/**
 * The facts runbook WF-001's commands rely on, asserted directly on the production manifests:
 * label selectors select the right pods, `deployment/<name>` exists, the API URLs route to the
 * component that serves them, and the agent-manager may do what agent management needs.
 * runbook-doc.test.ts runs the commands of docs/runbooks/WF-001.md themselves.
 */
import { API_PATHS, PRODUCTION_AGENT_POOL_SIZE } from '../../lib/runbook';
import { ManifestObject } from '../../stacks/synth';
import { findObject, synthesized } from '../support/environments';
import { routeOf } from '../support/ingress-routing';

const production = synthesized('production');
const objects = production.objects;
const NAMESPACE = 'agentaskit-production';

function podsSelectedBy(selector: Record<string, string>): string[] {
  return objects
    .filter((o) => o.kind === 'Deployment' && o.metadata.namespace === NAMESPACE)
    .filter((o) => {
      const labels = (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      return Object.entries(selector).every(([k, v]) => labels[k] === v);
    })
    .map((o) => o.metadata.name);
}

function roleAllows(role: ManifestObject, verb: string, resource: string, name?: string): boolean {
  const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  return rules.some((r) => r.resources.includes(resource) && r.verbs.includes(verb) && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
}

test('kubectl get pods -n agentaskit-production -l app=orchestrator selects the orchestrator pods', () => {
  expect(podsSelectedBy({ app: 'orchestrator' })).toEqual(['orchestrator']);
});

test('kubectl logs -n agentaskit-production -l app=agent-worker selects the agent pods', () => {
  expect(podsSelectedBy({ app: 'agent-worker' })).toEqual(['agent-worker']);
});

test.each(['orchestrator', 'agent-manager', 'agent-worker'])('deployment/%s exists in agentaskit-production', (name) => {
  expect(findObject(objects, 'Deployment', name).metadata.namespace).toBe(NAMESPACE);
});

test('the agent pool is 928 agents: the HPA keeps at least that many', () => {
  const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'agent-worker');
  expect((hpa.spec as { minReplicas: number }).minReplicas).toBe(PRODUCTION_AGENT_POOL_SIZE);
  expect(PRODUCTION_AGENT_POOL_SIZE).toBe(928);
});

test('curl https://api.agentaskit.io/api/v1/health/workflows reaches the orchestrator', () => {
  expect(routeOf(objects, `https://api.agentaskit.io${API_PATHS.workflowsHealth}`)).toBe('orchestrator');
});

test('curl -X POST https://api.agentaskit.io/api/v1/workflows/advance reaches the orchestrator', () => {
  expect(routeOf(objects, 'https://api.agentaskit.io/api/v1/workflows/advance')).toBe('orchestrator');
});

test('curl https://api.agentaskit.io/api/v1/agents/health reaches the agent-manager', () => {
  expect(routeOf(objects, 'https://api.agentaskit.io/api/v1/agents/health')).toBe('agent-manager');
});

test('paths outside the API are not routed', () => {
  expect(routeOf(objects, 'https://api.agentaskit.io/api/v1/healthz')).toBeUndefined();
  expect(routeOf(objects, 'https://api.agentaskit.io/api/v1/workflowsx')).toBeUndefined();
});

test('the API host is served over TLS', () => {
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    expect((ingress.spec as { tls: { hosts: string[] }[] }).tls[0]!.hosts).toEqual(['api.agentaskit.io']);
  }
});

describe('the agent-manager may do what the runbook asks of agent management, and nothing else', () => {
  const role = findObject(objects, 'Role', 'agent-manager');

  test('list and watch agent pods (list-agents)', () => {
    expect(roleAllows(role, 'list', 'pods') && roleAllows(role, 'watch', 'pods')).toBe(true);
  });
  test('label and delete unhealthy pods (kubectl delete pod -l status=unhealthy)', () => {
    expect(roleAllows(role, 'patch', 'pods') && roleAllows(role, 'delete', 'pods')).toBe(true);
  });
  test('scale deployment/agent-worker, and only that Deployment', () => {
    expect(roleAllows(role, 'patch', 'deployments/scale', 'agent-worker')).toBe(true);
    expect(roleAllows(role, 'patch', 'deployments/scale', 'orchestrator')).toBe(false);
  });
  test('no secrets, no pod exec, no wildcards', () => {
    expect(roleAllows(role, 'get', 'secrets')).toBe(false);
    expect(roleAllows(role, 'create', 'pods/exec')).toBe(false);
    expect(JSON.stringify(role.rules)).not.toContain('*');
  });
  test('is bound to the agent-manager ServiceAccount', () => {
    const binding = findObject(objects, 'RoleBinding', 'agent-manager');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-manager', namespace: NAMESPACE }]);
  });
});
