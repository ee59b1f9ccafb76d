import { drainErrors } from './drain-output';

// Lines as kubectl 1.36 printed them in a CI run of test/cluster/05-node-drain (2026-12-03).
const THROTTLED = 'I1203 09:22:33.937060   19191 request.go:752] "Waited before sending request" delay="1.197458282s" reason="client-side throttling, not priority and fairness" verb="POST"';
const REFUSED = 'error when evicting pods/"agent-worker-7ff6cb5497-znwg2" -n "agentaskit-production" (will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption budget.';

it('counts a PDB refusal as a refusal, not an error', () => {
  expect(drainErrors([THROTTLED, REFUSED, REFUSED].join('\n'))).toEqual({
    refusals: ['agent-worker-7ff6cb5497-znwg2', 'agent-worker-7ff6cb5497-znwg2'],
    otherErrors: [],
  });
});

it('keeps every other error line', () => {
  const other = 'error: unable to drain node "kwok-node-3" due to error: cannot delete Pods declare no controller';
  expect(drainErrors([REFUSED, other].join('\n')).otherErrors).toEqual([other]);
});

it('finds nothing in a clean drain', () => {
  expect(drainErrors('node/kwok-node-3 cordoned\nnode/kwok-node-3 drained\n')).toEqual({ refusals: [], otherErrors: [] });
});
