/**
 * `kubectl drain` of a node, through the Eviction API: the real disruption controller enforces our
 * PDBs while the node's agents (and an agent-manager) are evicted and rescheduled. Sampled
 * throughout: the agent pool's unavailable count never exceeds the PDB's budget, and no
 * single-replica-budget workload loses more than one pod.
 */
import { loadEnvironment } from '../../stacks/environments';
import { sleep } from '../../scripts/cluster/processes';
import { deployment, drained, eventually, kube, kubeJson, kubeResult, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { drainErrors } from '../support/drain-output';
import { synthesizeEnvironment } from '../../stacks/synth';

const config = loadEnvironment('production');
// As built: the config leaves the agent-manager's replicas to the construct's default.
const MANAGERS = synthesizeEnvironment(config).chart.agentManager.deployment.replicas!;
const ns = namespaceOf('production');
const POOL = config.agentWorker.poolSize;

interface Pod {
  metadata: { labels?: Record<string, string> };
  spec: { nodeName?: string };
}

beforeAll(async () => {
  for (const name of ['agent-worker', 'agent-manager', 'orchestrator']) {
    await eventually(`${name} rolled out`, () => (rolledOut(deployment(ns, name)) ? true : undefined), 10 * 60_000, 1000);
    await drained(ns, name);
  }
});

it('draining a node evicts its pods without ever exceeding a PDB budget', async () => {
  const pods = kubeJson<{ items: Pod[] }>(['pods', '-n', ns]).items;
  // The node of an agent-manager pod: its drain exercises both the 4 % and the 1-pod budgets.
  const node = pods.find((p) => p.metadata.labels?.app === 'agent-manager')!.spec.nodeName!;
  const onNode = pods.filter((p) => p.spec.nodeName === node);
  const agentsOnNode = onNode.filter((p) => p.metadata.labels?.app === 'agent-worker').length;
  const budget = Number(kube(['get', 'pdb', 'agent-worker', '-n', ns, '-o', 'jsonpath={.status.disruptionsAllowed}']));
  expect(budget).toBe(Math.ceil((POOL * 4) / 100));

  let sampling = true;
  // Two views of "unavailable": the PDB counts a pod healthy once it is Ready; the Deployment
  // (and the replicas-unavailable alert) only after minReadySeconds more. The PDB bounds the first.
  let maxAgentsNotReady = 0;
  let maxAgentsUnavailable = 0;
  let maxManagersUnavailable = 0;
  const sampler = (async () => {
    while (sampling) {
      const agents = deployment(ns, 'agent-worker').status;
      maxAgentsNotReady = Math.max(maxAgentsNotReady, POOL - (agents.readyReplicas ?? 0));
      maxAgentsUnavailable = Math.max(maxAgentsUnavailable, POOL - (agents.availableReplicas ?? 0));
      maxManagersUnavailable = Math.max(maxManagersUnavailable, MANAGERS - (deployment(ns, 'agent-manager').status.availableReplicas ?? 0));
      await sleep(200);
    }
  })();

  const t0 = Date.now();
  const drain = await kubeResult(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=10m']);
  const drainSeconds = (Date.now() - t0) / 1000;
  await eventually('agent-worker and agent-manager fully available again', () => (rolledOut(deployment(ns, 'agent-worker')) && rolledOut(deployment(ns, 'agent-manager')) ? true : undefined), 5 * 60_000, 500);
  sampling = false;
  await sampler;
  kube(['uncordon', node]);

  // kubectl drain retries an eviction the disruption controller refuses ("error when evicting …
  // Cannot evict pod as it would violate the pod's disruption budget (will retry after 5s)"): that
  // refusal is the PDB doing its job, and whether one happens depends on how fast replacements
  // turn Ready. Any other error line is a failure.
  const { refusals, otherErrors } = drainErrors(drain.stderr);
  expect(otherErrors).toEqual([]);
  expect(refusals.filter((pod) => !/^(agent-worker|agent-manager)-/.test(pod))).toEqual([]);
  expect(drain.code).toBe(0);
  expect(kubeJson<{ items: Pod[] }>(['pods', '-n', ns, '--field-selector', `spec.nodeName=${node}`]).items).toHaveLength(0);
  expect(maxAgentsNotReady).toBeLessThanOrEqual(budget);
  expect(maxManagersUnavailable).toBeLessThanOrEqual(1);
  report('node drain', { node, agentsOnNode, podsOnNode: onNode.length, drainSeconds: Number(drainSeconds.toFixed(1)), maxAgentsNotReady, maxAgentsUnavailableByDeployment: maxAgentsUnavailable, pdbBudget: budget, evictionsRefusedByPdb: refusals.length, maxManagersUnavailable });
});
