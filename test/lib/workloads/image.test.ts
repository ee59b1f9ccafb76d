import { Chart, Testing } from 'cdk8s';
import { AgentWorkerPool } from '../../../lib/workloads/agent-worker-pool';
import { imageVersion, parseImage, pinnedExample, requirePinnedImage } from '../../../lib/workloads/image';

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
  expect(() => requirePinnedImage('Invalid s', 'orchestrator.image', 'x:latest', 'ghcr.io/agentaskit/orchestrator:1.4.2')).toThrow(
    'Invalid s:\n  - orchestrator.image = "x:latest": the image uses the moving tag "latest"; pin it by tag or digest, e.g. "x:1.4.2"',
  );
});

test('the agent-worker\'s fix suggests its own repository, not the orchestrator\'s', () => {
  expect(() => new AgentWorkerPool(new Chart(Testing.app(), 'c', { namespace: 'n' }), 'P', { image: 'ghcr.io/agentaskit/agent-worker:latest', poolSize: 4 })).toThrow(
    'Invalid props of HardenedDeployment "c/P/Workload":\n  - image = "ghcr.io/agentaskit/agent-worker:latest": the image uses the moving tag "latest"; pin it by tag or digest, e.g. "ghcr.io/agentaskit/agent-worker:1.4.2"',
  );
  // A malformed repository cannot be reused: the example is the workload's own image.
  expect(() => new AgentWorkerPool(new Chart(Testing.app(), 'c', { namespace: 'n' }), 'P', { image: 'Bad Repo', poolSize: 4 })).toThrow('e.g. "ghcr.io/agentaskit/agent-worker:1.4.2"');
});

test('imageVersion is the tag, or a short digest', () => {
  expect(imageVersion({ repository: 'r', tag: '1.2.3' })).toBe('1.2.3');
  expect(imageVersion({ repository: 'r', digest: DIGEST })).toBe('aaaaaaaaaaaa');
});

describe('boundaries of a reference', () => {
  const tagged = (repository: string) => ({ repository, tag: '1' });

  test.each([
    'nginx',
    'my-app',
    'my--app',
    'my_app',
    'my__app',
    'my.app',
    'a',
    'team/my-app',
    'team/my--app',
    'ghcr.io/team/my--app',
    'team/my_app',
    'localhost/app',
    'localhost:5000/app',
    'registry.example.com:5000/team/app',
    'registry-1.example.com/team/sub/app',
  ])('accepts the repository %s', (repository) => {
    expect(parseImage(`${repository}:1`)).toEqual(tagged(repository));
  });

  test.each([
    ['an upper-case letter', 'Nginx'],
    ['a trailing "-"', 'app-'],
    ['a trailing "_"', 'app_'],
    ['a leading "-"', '-app'],
    ['three underscores', 'my___app'],
    ['"-" next to "."', 'my-.app'],
    ['a character no separator allows', 'a!b'],
    ['a trailing "-" on a later component', 'team/app-'],
    ['a later component with a foreign character', 'team/a!b'],
    ['an empty component', 'team//app'],
    ['a trailing "/"', 'team/'],
    ['a port without a host', ':5000/app'],
    ['a port that is not a number', 'host:port/app'],
  ])('fails on a repository with %s', (_case, repository) => {
    expect(parseImage(`${repository}:1`)).toEqual({ problem: `repository "${repository}" is malformed` });
  });

  test.each(['1', 'v1.2.3-rc.1', '_x', 'A_b', 'a'.repeat(128)])('accepts the tag %s (a word character, then up to 127 of [\\w.-])', (tag) => {
    expect(parseImage(`nginx:${tag}`)).toEqual({ repository: 'nginx', tag });
  });

  test.each(['a'.repeat(129), '-1', '.1', '1.0!', '1 0', ''])('fails on the tag %j', (tag) => {
    expect(parseImage(`nginx:${tag}`)).toEqual({ problem: `tag "${tag}" is malformed` });
  });

  test.each([
    ['63 hex digits', `sha256:${'a'.repeat(63)}`],
    ['65 hex digits', `sha256:${'a'.repeat(65)}`],
    ['an upper-case hex digit', `sha256:${'A'.repeat(64)}`],
    ['text before it', `xsha256:${'a'.repeat(64)}`],
    ['another algorithm', `sha512:${'a'.repeat(64)}`],
    ['nothing after the "@"', ''],
  ])('fails on a digest with %s', (_case, digest) => {
    expect(parseImage(`nginx@${digest}`)).toEqual({ problem: `digest "${digest}" is not sha256:<64 hex>` });
  });

  test('a digest of 64 hex digits 0-9a-f pins the image', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    expect(parseImage(`nginx@${digest}`)).toEqual({ repository: 'nginx', digest });
  });

  test('a colon before the last "/" is a registry port, not a tag', () => {
    expect(parseImage('localhost:5000/app')).toEqual({ problem: 'has no tag or digest (it would mean "latest")' });
  });

  test('"latest" is refused even beside a digest; other tags that merely contain it are fine', () => {
    expect(parseImage(`nginx:latest@${DIGEST}`)).toEqual({ problem: 'uses the moving tag "latest"' });
    expect(parseImage('nginx:latest-1')).toEqual({ repository: 'nginx', tag: 'latest-1' });
  });
});

describe('pinnedExample', () => {
  test.each([
    ['nginx:latest', 'nginx:1.4.2'],
    ['nginx', 'nginx:1.4.2'],
    [`nginx@sha256:abc`, 'nginx:1.4.2'],
    ['registry.local:5000/team/app:latest', 'registry.local:5000/team/app:1.4.2'],
    ['registry.local:5000/team/app', 'registry.local:5000/team/app:1.4.2'],
    ['Bad Repo:latest', 'ghcr.io/agentaskit/orchestrator:1.4.2'],
  ])('for %s is %s', (value, example) => {
    expect(pinnedExample(value, 'ghcr.io/agentaskit/orchestrator:1.4.2')).toBe(example);
  });
});

test('requirePinnedImage returns the parsed reference of a pinned image', () => {
  expect(requirePinnedImage('Invalid s', 'f', 'nginx:1.27', 'ghcr.io/x/y:1')).toEqual({ repository: 'nginx', tag: '1.27' });
});
