import { Chart, Testing } from 'cdk8s';
import { AgentWorkerPool } from '../../../lib/workloads/agent-worker-pool';
import { imageVersion, parseImage, requirePinnedImage } from '../../../lib/workloads/image';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test.each([
  ['ghcr.io/agentaskit/orchestrator:1.4.2', { repository: 'ghcr.io/agentaskit/orchestrator', tag: '1.4.2' }],
  ['registry.local:5000/team/app:v2-rc.1', { repository: 'registry.local:5000/team/app', tag: 'v2-rc.1' }],
  [`ghcr.io/agentaskit/agent-worker@${DIGEST}`, { repository: 'ghcr.io/agentaskit/agent-worker', digest: DIGEST }],
  [`nginx:1.27@${DIGEST}`, { repository: 'nginx', tag: '1.27', digest: DIGEST }],
])('parses pinned reference %s', (ref, expected) => {
  expect(parseImage(ref)).toEqual(expected);
});

test.each([
  ['nginx:latest', 'uses the moving tag "latest"'],
  ['nginx', 'has no tag or digest'],
  ['nginx@sha256:abc', 'digest "sha256:abc" is not sha256:<64 hex>'],
  ['Nginx:1.0', 'repository "Nginx" is malformed'],
  ['nginx:-bad', 'tag "-bad" is malformed'],
  ['a@b@c', 'has more than one "@"'],
])('fails when the reference is %s', (ref, problem) => {
  expect(parseImage(ref)).toEqual({ problem: expect.stringContaining(problem) });
});

test('requirePinnedImage names the field, the value and the fix', () => {
  expect(() => requirePinnedImage('orchestrator.image', 'x:latest', 'ghcr.io/agentaskit/orchestrator:1.4.2')).toThrow(
    'orchestrator.image: image "x:latest" uses the moving tag "latest". Fix: pin it by tag or digest, e.g. "x:1.4.2"',
  );
});

test('the agent-worker\'s fix suggests its own repository, not the orchestrator\'s', () => {
  expect(() => new AgentWorkerPool(new Chart(Testing.app(), 'c', { namespace: 'n' }), 'P', { image: 'ghcr.io/agentaskit/agent-worker:latest', poolSize: 4 })).toThrow(
    'agent-worker.image: image "ghcr.io/agentaskit/agent-worker:latest" uses the moving tag "latest". Fix: pin it by tag or digest, e.g. "ghcr.io/agentaskit/agent-worker:1.4.2"',
  );
  // A malformed repository cannot be reused: the example is the workload's own image.
  expect(() => new AgentWorkerPool(new Chart(Testing.app(), 'c', { namespace: 'n' }), 'P', { image: 'Bad Repo', poolSize: 4 })).toThrow('e.g. "ghcr.io/agentaskit/agent-worker:1.4.2"');
});

test('imageVersion is the tag, or a short digest', () => {
  expect(imageVersion({ repository: 'r', tag: '1.2.3' })).toBe('1.2.3');
  expect(imageVersion({ repository: 'r', digest: DIGEST })).toBe('aaaaaaaaaaaa');
});
