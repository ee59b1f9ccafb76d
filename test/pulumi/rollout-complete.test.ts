import { PROGRESSING_NEW_REPLICA_SET_AVAILABLE, REPLICAS_ROLLED_OUT, ROLLOUT_COMPLETE } from '../../pulumi/rollout-complete';

// Whether the provider's own code calls a Deployment state complete is measured with the provider
// (test/cluster/10-pulumi-0-wait-for.test.ts); these pin the limits of its parser the expressions
// are written around (pulumi/rollout-complete.ts).
test('the annotation is a JSON array of both conditions, Progressing first (its status line says what Kubernetes says)', () => {
  expect(JSON.parse(ROLLOUT_COMPLETE)).toEqual([PROGRESSING_NEW_REPLICA_SET_AVAILABLE, REPLICAS_ROLLED_OUT]);
});

test.each([PROGRESSING_NEW_REPLICA_SET_AVAILABLE, REPLICAS_ROLLED_OUT])('%s: a single "=" only before the expected value, one {…}', (expr) => {
  const body = expr.slice('jsonpath='.length);
  expect(body.replace(/==/g, '').match(/=/g)?.length ?? 0).toBe(expr === PROGRESSING_NEW_REPLICA_SET_AVAILABLE ? 1 : 0);
  expect(body).not.toMatch(/!=|<=|>=/);
  expect(body.match(/[{}]/g)).toEqual(['{', '}']);
});

test('no parenthesized group joins more than two terms with && (theory/jsonpath v0.9.0 rejects a third)', () => {
  // Strip innermost groups until none is left; at each level, a group holds at most one &&.
  let expr = REPLICAS_ROLLED_OUT.slice(REPLICAS_ROLLED_OUT.indexOf('[?') + 2, REPLICAS_ROLLED_OUT.lastIndexOf(']'));
  for (let group = /\(([^()]*)\)/.exec(expr); group; group = /\(([^()]*)\)/.exec(expr)) {
    expect(group[1]!.split('&&').length).toBeLessThanOrEqual(2);
    expr = expr.replace(group[0], 'x');
  }
  expect(expr).toBe('x');
});
