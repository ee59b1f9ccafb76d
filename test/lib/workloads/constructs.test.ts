import { Chart, Testing } from 'cdk8s';
import { AGENT_MANAGER_LEADER_LEASE, AgentManager, LEADER_ELECTION_LEASE_ENV } from '../../../lib/workloads/agent-manager';
import { AgentWorkerPool, AgentWorkerPoolProps } from '../../../lib/workloads/agent-worker-pool';
import { ApiIngress } from '../../../lib/workloads/api-ingress';
import { HardenedDeployment, HardenedDeploymentProps } from '../../../lib/workloads/hardened-deployment';
import { WorkflowNamespace } from '../../../lib/workloads/namespace';
import { WorkflowNetworkPolicies } from '../../../lib/workloads/network-policies';
import { Orchestrator } from '../../../lib/workloads/orchestrator';
import { MIN_PROGRESS_DEADLINE_SECONDS, PROGRESS_DEADLINE_WAVES, progressDeadlineSeconds } from '../../../lib/workloads/rollout';

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; [k: string]: any };

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'agentaskit-test' });
}
const synth = (c: Chart) => Testing.synth(c) as Obj[];
const get = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

const IMAGE = 'ghcr.io/agentaskit/orchestrator:1.4.2';

describe('HardenedDeployment', () => {
  const base: HardenedDeploymentProps = { name: 'svc', component: 'api', image: IMAGE, resources: { cpuMillis: 100, memoryMebibytes: 128 } };

  test('builds ServiceAccount, Deployment, PDB and Service named after the workload', () => {
    const c = chart();
    new HardenedDeployment(c, 'W', base);
    expect(synth(c).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['Deployment/svc', 'PodDisruptionBudget/svc', 'Service/svc', 'ServiceAccount/svc'],
    );
  });

  test('selects pods by app only, and labels them with the recommended labels and the image version', () => {
    const c = chart();
    new HardenedDeployment(c, 'W', base);
    const d = get(synth(c), 'Deployment', 'svc');
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'svc' } });
    expect(d.spec.template.metadata.labels).toEqual({
      app: 'svc',
      'app.kubernetes.io/name': 'svc',
      'app.kubernetes.io/component': 'api',
      'app.kubernetes.io/part-of': 'agentaskit',
      'app.kubernetes.io/managed-by': 'agentaskit-deploy',
      'app.kubernetes.io/version': '1.4.2',
    });
    expect(get(synth(c), 'Service', 'svc').spec.selector).toEqual({ app: 'svc' });
  });

  test('with autoscaling, the HPA owns the count: no spec.replicas', () => {
    const c = chart();
    new HardenedDeployment(c, 'W', { ...base, autoscaling: { minReplicas: 4, maxReplicas: 8 } });
    const objects = synth(c);
    expect(get(objects, 'Deployment', 'svc').spec).not.toHaveProperty('replicas');
    expect(get(objects, 'HorizontalPodAutoscaler', 'svc').spec).toMatchObject({ minReplicas: 4, maxReplicas: 8, scaleTargetRef: { kind: 'Deployment', name: 'svc' } });
  });

  test.each([
    // 3 × (60 + 0): the default start budget.
    ['the defaults', {}, 180],
    // 3 × (90 + 20): the deadline follows the wave budget, minReadySeconds included.
    ['a slow start and minReadySeconds', { podStartSeconds: 90, minReadySeconds: 20 }, 330],
    // 3 × (10 + 5) = 45 is too tight for a scheduling hiccup: the floor applies.
    ['a tiny start budget', { podStartSeconds: 10, minReadySeconds: 5 }, MIN_PROGRESS_DEADLINE_SECONDS],
  ])('the progress deadline is 3 wave budgets, at least 2 minutes, for %s: %s s', (_case, override, seconds) => {
    const c = chart();
    new HardenedDeployment(c, 'W', { ...base, ...override });
    expect(get(synth(c), 'Deployment', 'svc').spec.progressDeadlineSeconds).toBe(seconds);
  });

  test('the progress deadline outlasts a wave that waits for a new node, and fails a stuck rollout within minutes', () => {
    expect(PROGRESS_DEADLINE_WAVES).toBe(3);
    expect(MIN_PROGRESS_DEADLINE_SECONDS).toBe(120);
    // A 70 s wave (60 s start + 10 s minReady) that first waits ~2 min for the cluster autoscaler.
    expect(progressDeadlineSeconds(60, 10)).toBeGreaterThan(120 + 70);
    expect(progressDeadlineSeconds(60, 10)).toBeLessThanOrEqual(5 * 60);
  });

  test('a headless service gets clusterIP None; none creates no Service', () => {
    const c = chart();
    new HardenedDeployment(c, 'A', { ...base, name: 'a', service: 'headless' });
    new HardenedDeployment(c, 'B', { ...base, name: 'b', service: 'none' });
    const objects = synth(c);
    expect(get(objects, 'Service', 'a').spec.clusterIP).toBe('None');
    expect(get(objects, 'Service', 'b')).toBeUndefined();
  });

  test('secret environment variables reference the Secret, never a value', () => {
    const c = chart();
    new HardenedDeployment(c, 'W', { ...base, env: { B: 'plain' }, secretEnv: { A: { name: 's', key: 'k' } } });
    const env = get(synth(c), 'Deployment', 'svc').spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }, { name: 'B', value: 'plain' }]);
  });

  test('zone spread is a hard rule unless relaxed; node spread is a preference', () => {
    const c = chart();
    new HardenedDeployment(c, 'A', { ...base, name: 'a' });
    new HardenedDeployment(c, 'B', { ...base, name: 'b', requireZoneSpread: false });
    const spread = (name: string) => get(synth(c), 'Deployment', name).spec.template.spec.topologySpreadConstraints.map((t: any) => `${t.topologyKey}=${t.whenUnsatisfiable}`);
    expect(spread('a')).toEqual(['topology.kubernetes.io/zone=DoNotSchedule', 'kubernetes.io/hostname=ScheduleAnyway']);
    expect(spread('b')).toEqual(['topology.kubernetes.io/zone=ScheduleAnyway', 'kubernetes.io/hostname=ScheduleAnyway']);
  });

  test.each([
    ['both replicas and autoscaling are set', { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 2 } }, 'Invalid props of HardenedDeployment "test/W":\n  - replicas = 2: set either replicas or autoscaling'],
    ['replicas is zero', { replicas: 0 }, 'Invalid props of HardenedDeployment "test/W":\n  - replicas = 0: use a whole number of at least 1'],
    ['the HPA maximum is below its minimum', { autoscaling: { minReplicas: 5, maxReplicas: 2 } }, 'Invalid props of HardenedDeployment "test/W":\n  - autoscaling.maxReplicas = 2: use a whole number of at least minReplicas (5)'],
    ['no CPU is requested', { resources: { cpuMillis: 0, memoryMebibytes: 1 } }, 'Invalid props of HardenedDeployment "test/W":\n  - resources.cpuMillis = 0: request a positive amount of CPU'],
    ['surge and unavailability are both zero', { maxSurgePercent: 0, maxUnavailablePercent: 0 }, 'Invalid props of HardenedDeployment "test/W":\n  - maxSurgePercent = 0: allow some surge or unavailability, or a rollout never progresses'],
    ['the image is latest', { image: 'ghcr.io/x/y:latest' }, 'Invalid props of HardenedDeployment "test/W":\n  - image = "ghcr.io/x/y:latest": the image uses the moving tag "latest"'],
  ])('fails when %s', (_case, override, message) => {
    expect(() => new HardenedDeployment(chart(), 'W', { ...base, ...override })).toThrow(message);
  });
});

describe('Orchestrator', () => {
  test('Deployment orchestrator with pods app=orchestrator, an HPA (3..10 by default), no API token', () => {
    const c = chart();
    new Orchestrator(c, 'O', { image: IMAGE });
    const objects = synth(c);
    const d = get(objects, 'Deployment', 'orchestrator');
    expect(d.spec.template.metadata.labels.app).toBe('orchestrator');
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(get(objects, 'HorizontalPodAutoscaler', 'orchestrator').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    // 3 waves × 60 s start budget.
    expect(d.spec.progressDeadlineSeconds).toBe(180);
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'ADMIN_TOKEN', valueFrom: { secretKeyRef: { name: 'agentaskit-admin-token', key: 'token' } } }]);
  });
});

describe('AgentManager', () => {
  test('mounts a token and binds a namespaced Role scoped to the worker pool', () => {
    const c = chart();
    new AgentManager(c, 'M', { image: IMAGE, workerDeploymentName: 'pool' });
    const objects = synth(c);
    expect(get(objects, 'Deployment', 'agent-manager').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(get(objects, 'Deployment', 'agent-manager').spec.replicas).toBe(2);
    const rules = get(objects, 'Role', 'agent-manager').rules;
    const poolRules = rules.filter((r: any) => r.apiGroups.includes('apps') || r.apiGroups.includes('autoscaling'));
    expect(poolRules.map((r: any) => `${r.resources}:${r.resourceNames}`)).toEqual(['deployments:pool', 'horizontalpodautoscalers:pool']);
    expect(get(objects, 'RoleBinding', 'agent-manager').subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-manager', namespace: 'agentaskit-test' }]);
  });

  test('its two replicas can elect a leader: create Leases, read and renew only Lease agent-manager, named to the container', () => {
    const c = chart();
    new AgentManager(c, 'M', { image: IMAGE, env: { LOG_LEVEL: 'info' } });
    const objects = synth(c);
    const leaseRules = get(objects, 'Role', 'agent-manager').rules.filter((r: any) => r.apiGroups.includes('coordination.k8s.io'));
    expect(leaseRules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [AGENT_MANAGER_LEADER_LEASE], verbs: ['get', 'update', 'patch'] },
    ]);
    expect(AGENT_MANAGER_LEADER_LEASE).toBe('agent-manager');
    expect(get(objects, 'Deployment', 'agent-manager').spec.template.spec.containers[0].env).toEqual([
      { name: LEADER_ELECTION_LEASE_ENV, value: AGENT_MANAGER_LEADER_LEASE },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });

  test('never writes the worker Deployment\'s replicas (the HPA would revert them)', () => {
    const c = chart();
    new AgentManager(c, 'M', { image: IMAGE });
    const rules = get(synth(c), 'Role', 'agent-manager').rules;
    expect(rules.flatMap((r: any) => r.resources)).not.toContain('deployments/scale');
    expect(rules.find((r: any) => r.resources.includes('deployments')).verbs).toEqual(['get']);
  });

  test('fails when env overrides the leader-election Lease (the Role only allows renewing agent-manager)', () => {
    expect(() => new AgentManager(chart(), 'M', { image: IMAGE, env: { LEADER_ELECTION_LEASE: 'other' } })).toThrow(
      'Invalid props of AgentManager "test/M":\n  - env.LEADER_ELECTION_LEASE = "other": remove it: the construct sets it to "agent-manager", the only Lease its Role may update.',
    );
  });

  test('fails when the chart has no namespace (a RoleBinding subject needs one)', () => {
    expect(() => new AgentManager(new Chart(Testing.app(), 'unnamespaced'), 'M', { image: IMAGE })).toThrow(
      'Invalid props of AgentManager "unnamespaced/M":\n  - namespace = undefined: create its Chart with { namespace: "<namespace>" }.',
    );
  });
});

describe('AgentWorkerPool', () => {
  test('the pool size it is given: HPA minimum 928 (max 20% above), headless Service, PriorityClass, PDB below the 5% alert', () => {
    const c = chart();
    const pool = new AgentWorkerPool(c, 'P', { image: IMAGE, poolSize: 928 });
    const objects = synth(c);
    expect(get(objects, 'HorizontalPodAutoscaler', 'agent-worker').spec).toMatchObject({ minReplicas: 928, maxReplicas: 1114 });
    expect(get(objects, 'Service', 'agent-worker').spec.clusterIP).toBe('None');
    expect(get(objects, 'PodDisruptionBudget', 'agent-worker').spec.maxUnavailable).toBe('4%');
    const pc = get(objects, 'PriorityClass', 'agentaskit-test-agent-worker');
    expect(pc.metadata.namespace).toBeUndefined();
    const spec = get(objects, 'Deployment', 'agent-worker').spec;
    expect(spec.template.spec.priorityClassName).toBe('agentaskit-test-agent-worker');
    expect(spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '10%' });
    expect(spec.minReadySeconds).toBe(10);
    // 3 waves × (60 s start + 10 s minReady).
    expect(spec.progressDeadlineSeconds).toBe(210);
    expect(pool.rollout.worstCaseSeconds).toBeLessThanOrEqual(300);
  });

  test('the grace period outlasts the longest agent task', () => {
    const c = chart();
    new AgentWorkerPool(c, 'P', { image: IMAGE, poolSize: 4, maxTaskSeconds: 900 });
    const spec = get(synth(c), 'Deployment', 'agent-worker').spec.template.spec;
    expect(spec.terminationGracePeriodSeconds).toBe(930);
    expect(spec.containers[0].lifecycle.preStop.exec.command).toEqual(['/app/bin/drain']);
  });

  test('fails when a full rollout cannot finish inside the 5-minute rollback target', () => {
    expect(() => new AgentWorkerPool(chart(), 'P', { image: IMAGE, poolSize: 928, maxSurgePercent: 5, maxUnavailablePercent: 0 })).toThrow(
      /^Invalid props of AgentWorkerPool "test\/P":\n {2}- rollout budget = \{"maxReplicas":1114,"maxSurgePercent":5,"maxUnavailablePercent":0,"podStartSeconds":60\}: the pool's rollout at maxReplicas: replacing 1114 pods takes 20 waves of 56 pods × 70 s \+ 5.6 s to create the last wave at 20 requests\/s = 1406 s, over the 300 s rollback target; raise maxSurgePercent \(5\)/,
    );
  });

  test("the rollout counts the cluster's controller-manager rate, 20 requests/s unless told", () => {
    const at = (controllerApiQps?: number) => new AgentWorkerPool(chart(), 'P', { image: IMAGE, poolSize: 928, controllerApiQps }).rollout.worstCaseSeconds;
    // 1114 pods at the HPA maximum, 3 waves of 390: 3 × 70 s + 2 × 390 ÷ qps.
    expect([at(), at(20), at(200)]).toEqual([249, 249, 214]);
    expect(() => at(5)).toThrow(/2 × 1114 requests ÷ 5 requests\/s \(the controller-manager's --kube-api-qps\) \+ 70 s = 516 s, over the 300 s rollback target; run the cluster's controller-manager with a higher --kube-api-qps/);
  });

  test('fails when the disruption budget would let drains trip the unhealthy-agents alert', () => {
    expect(() => new AgentWorkerPool(chart(), 'P', { image: IMAGE, poolSize: 50, maxDisruptionPercent: 5 })).toThrow(
      'Invalid props of AgentWorkerPool "test/P":\n  - maxDisruptionPercent = 5: use a value above 0 and below the runbook\'s 5% unhealthy-agents threshold, so drains never page.',
    );
  });

  test.each([
    [{ poolSize: 0 }, 'Invalid props of AgentWorkerPool "test/P":\n  - poolSize = 0: use a whole number of agents from 1 to 75000'],
    [{ poolSize: 50, maxReplicas: 10 }, 'Invalid props of AgentWorkerPool "test/P":\n  - maxReplicas = 10: use a whole number from poolSize (50) to 75000: a rollout can hold'],
    [{ poolSize: 100000 }, 'Invalid props of AgentWorkerPool "test/P":\n  - poolSize = 100000: use a whole number of agents from 1 to 75000: a rollout can hold every replaced agent, still draining, next to its replacement (2 × the pool), and Kubernetes supports at most 150000 pods per cluster.'],
  ])('fails on pool bounds %j, naming the prop that was set', (bounds, message) => {
    expect(() => new AgentWorkerPool(chart(), 'P', { image: IMAGE, ...bounds })).toThrow(message);
  });

  test('fails without a pool size: a reusable construct does not default to one company\'s production pool', () => {
    expect(() => new AgentWorkerPool(chart(), 'P', { image: IMAGE } as unknown as AgentWorkerPoolProps)).toThrow(
      'Invalid props of AgentWorkerPool "test/P":\n  - poolSize = undefined: set the number of agents the pool always keeps (the HPA minimum), e.g. { poolSize: 50 }.',
    );
  });

  test('fails when the task limit is not a positive whole number', () => {
    expect(() => new AgentWorkerPool(chart(), 'P', { image: IMAGE, poolSize: 50, maxTaskSeconds: 0 })).toThrow('Invalid props of AgentWorkerPool "test/P":\n  - maxTaskSeconds = 0: use a whole number of seconds above 0.');
  });
});

describe('WorkflowNamespace', () => {
  test('labels for PSS restricted, pinned version, no namespace field on itself', () => {
    const c = chart();
    new WorkflowNamespace(c, 'N', { name: 'agentaskit-test' });
    const ns = get(synth(c), 'Namespace', 'agentaskit-test');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });
});

test('WorkflowNamespace fails when the name is not a valid Kubernetes name', () => {
  expect(() => new WorkflowNamespace(chart(), 'N', { name: 'Team_Agents' })).toThrow(
    'Invalid props of WorkflowNamespace "test/N":\n  - name = "Team_Agents": use a valid Kubernetes name: at most 63 lower-case letters',
  );
});

describe('WorkflowNetworkPolicies', () => {
  const props = {
    ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    prometheus: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    apiServerCidrs: ['10.96.0.1/32'],
  };
  const policies = (extra = {}) => {
    const c = chart();
    new WorkflowNetworkPolicies(c, 'N', { ...props, ...extra });
    return synth(c);
  };
  const peersOf = (rules: any[], port: number) =>
    rules.filter((r) => r.ports.some((p: any) => p.port === port)).flatMap((r) => (r.from ?? r.to).map((p: any) => JSON.stringify(p)));

  test('default-deny covers every pod, both directions; DNS is allowed for all', () => {
    const objects = policies();
    expect(get(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(get(objects, 'NetworkPolicy', 'allow-dns').spec.egress[0].ports.map((p: any) => `${p.protocol}/${p.port}`)).toEqual(['UDP/53', 'TCP/53']);
  });

  test('the orchestrator accepts the ingress controller and Prometheus (metrics port only)', () => {
    const spec = get(policies(), 'NetworkPolicy', 'orchestrator').spec;
    expect(peersOf(spec.ingress, 8080)).toContain(JSON.stringify({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }));
    expect(peersOf(spec.ingress, 9090)).toEqual([JSON.stringify({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } })]);
  });

  test('only the agent-manager reaches the API server; agents reach no outside address by default', () => {
    const objects = policies();
    expect(peersOf(get(objects, 'NetworkPolicy', 'agent-manager').spec.egress, 6443)).toEqual([JSON.stringify({ ipBlock: { cidr: '10.96.0.1/32' } })]);
    for (const name of ['orchestrator', 'agent-worker']) {
      expect(JSON.stringify(get(objects, 'NetworkPolicy', name).spec.egress)).not.toContain('ipBlock');
    }
  });

  test('agent egress CIDRs open HTTPS only', () => {
    const egress = get(policies({ agentEgressCidrs: ['203.0.113.0/24'] }), 'NetworkPolicy', 'agent-worker').spec.egress;
    expect(peersOf(egress, 443)).toEqual([JSON.stringify({ ipBlock: { cidr: '203.0.113.0/24' } })]);
  });

  test('extra app labels (Flagger primary) are selected and admitted like the component', () => {
    const objects = policies({ appLabels: { orchestrator: ['orchestrator', 'orchestrator-primary'] } });
    expect(get(objects, 'NetworkPolicy', 'orchestrator').spec.podSelector.matchExpressions[0].values).toEqual(['orchestrator', 'orchestrator-primary']);
    expect(JSON.stringify(get(objects, 'NetworkPolicy', 'agent-worker').spec.ingress)).toContain('orchestrator-primary');
  });

  test('the loadtester reaches the orchestrator canary pods only (not the primary), on http only', () => {
    const loadTester = { namespace: 'flagger', podLabels: { app: 'loadtester' } };
    const objects = policies({ appLabels: { orchestrator: ['orchestrator', 'orchestrator-primary'] }, loadTester });
    const canary = get(objects, 'NetworkPolicy', 'orchestrator-canary');
    expect(canary.spec).toEqual({
      podSelector: { matchLabels: { app: 'orchestrator' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'flagger' } }, podSelector: { matchLabels: { app: 'loadtester' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(canary.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'orchestrator', 'app.kubernetes.io/component': 'network-policy', 'app.kubernetes.io/part-of': 'agentaskit' });
    // Not admitted by the policy that also selects the primary pods.
    expect(JSON.stringify(get(objects, 'NetworkPolicy', 'orchestrator').spec.ingress)).not.toContain('flagger');
  });

  test('without a loadtester there is no canary policy', () => {
    expect(policies().filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.name).sort()).toEqual(['agent-manager', 'agent-worker', 'allow-dns', 'default-deny', 'orchestrator']);
  });
});

describe('ApiIngress', () => {
  test('routes the runbook endpoints on the host with TLS, one Ingress per backend', () => {
    const c = chart();
    const o = new Orchestrator(c, 'O', { image: IMAGE });
    const m = new AgentManager(c, 'M', { image: IMAGE });
    new ApiIngress(c, 'I', { host: 'api.example.com', tlsSecretName: 'tls', orchestratorService: o.service, agentManagerService: m.service });
    const objects = synth(c);
    const paths = (name: string) => get(objects, 'Ingress', name).spec.rules[0].http.paths.map((p: any) => `${p.pathType} ${p.path} -> ${p.backend.service.name}:${p.backend.service.port.number}`);
    expect(paths('orchestrator')).toEqual(['Exact /api/v1/health/workflows -> orchestrator:8080', 'Prefix /api/v1/workflows -> orchestrator:8080']);
    expect(paths('agent-manager')).toEqual(['Prefix /api/v1/agents -> agent-manager:8080']);
    expect(get(objects, 'Ingress', 'orchestrator').spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'tls' }]);
    expect(get(objects, 'Ingress', 'orchestrator').spec.ingressClassName).toBe('nginx');
  });
});
