import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiffError } from '../../../scripts/diff/errors';
import { runDiff } from '../../../scripts/diff/main';
import { baseTree, denyAll, secret, service, worker } from './fixtures';
import { breakSynth, commit, COPY_MANIFESTS_JS, createRepo, git, options, restoreSynth, writeTree } from './git-fixture';

/** The PR under review: image bump + list reorders, ConfigMap removed, NetworkPolicy added, secret rotated, prod scaled. */
const featureTree = {
  dev: {
    'app.yaml': [worker('1.5.0', 2, true), service, denyAll],
    'secrets.yaml': [secret('s3cr3t-new', { extra: 'eA==' })],
  },
  staging: { 'app.yaml': [worker('1.4.2', 2, true), service] },
  production: { 'app.yaml': [worker('1.4.2', 5), service] },
};

const repos: string[] = [];
function newRepo(): string {
  const repo = createRepo(baseTree);
  repos.push(repo);
  return repo;
}
afterAll(() => repos.forEach((repo) => fs.rmSync(repo, { recursive: true, force: true })));

describe('manifest diff between two git revisions', () => {
  let repo: string;
  let baseSha: string;
  let headSha: string;
  // Each run synthesizes twice; compute the reports once and assert on them in several tests.
  let markdown: string;
  let json: string;

  beforeAll(() => {
    repo = newRepo();
    baseSha = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    headSha = commit(repo, featureTree, 'feature');
    markdown = runDiff(options(repo, { base: 'main' }));
    json = runDiff(options(repo, { base: 'main', format: 'json' }));
  });

  const expectedMarkdown = () => `## Manifest diff: \`main (${baseSha.slice(0, 12)})\` → \`working tree (${headSha.slice(0, 12)})\`

| Environment | Added | Removed | Changed | High-risk changes |
| --- | ---: | ---: | ---: | ---: |
| dev | 1 | 1 | 2 | 2 |
| staging | 0 | 0 | 0 | 0 |
| production | 0 | 0 | 1 | 2 |

### ⚠️ High-risk changes (4)

- **dev** \`Deployment agentaskit/agent-worker\`: \`image spec.template.spec.containers[worker].image: ghcr.io/agentaskit/worker:1.4.2 → ghcr.io/agentaskit/worker:1.5.0\`
- **dev** \`NetworkPolicy agentaskit/default-deny\`: \`NetworkPolicy added\`
- **production** \`Deployment agentaskit/agent-worker\`: \`replica count spec.replicas: 3 → 5\`
- **production** \`Deployment agentaskit/agent-worker\`: \`production object changed (1 field)\`

### dev

**Added**

- \`NetworkPolicy agentaskit/default-deny\` (networking.k8s.io/v1)

**Removed**

- \`ConfigMap agentaskit/legacy-settings\` (v1)

**Changed**

\`\`\`text
Deployment agentaskit/agent-worker  spec.template.spec.containers[worker].image: ghcr.io/agentaskit/worker:1.4.2 → ghcr.io/agentaskit/worker:1.5.0
Secret agentaskit/agent-credentials  data.extra: added (value hidden)
Secret agentaskit/agent-credentials  data.token: changed (value hidden)
\`\`\`

### production

**Changed**

\`\`\`text
Deployment agentaskit/agent-worker  spec.replicas: 3 → 5
\`\`\`
`;

  test('renders the exact Markdown report (reordered containers/env are not changes)', () => {
    expect(markdown).toBe(expectedMarkdown());
  });

  test('renders the exact JSON report', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'agentaskit', name: 'agent-worker' };
    const secretRef = { apiVersion: 'v1', kind: 'Secret', namespace: 'agentaskit', name: 'agent-credentials' };
    const policyRef = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'agentaskit', name: 'default-deny' };
    const expected = {
      base: { label: 'main', sha: baseSha },
      head: { label: 'working tree', sha: headSha },
      hasChanges: true,
      summary: [
        { env: 'dev', added: 1, removed: 1, changed: 2, warnings: 2 },
        { env: 'staging', added: 0, removed: 0, changed: 0, warnings: 0 },
        { env: 'production', added: 0, removed: 0, changed: 1, warnings: 2 },
      ],
      warnings: [
        {
          env: 'dev',
          ref: deployment,
          reason: 'image spec.template.spec.containers[worker].image: ghcr.io/agentaskit/worker:1.4.2 → ghcr.io/agentaskit/worker:1.5.0',
        },
        { env: 'dev', ref: policyRef, reason: 'NetworkPolicy added' },
        { env: 'production', ref: deployment, reason: 'replica count spec.replicas: 3 → 5' },
        { env: 'production', ref: deployment, reason: 'production object changed (1 field)' },
      ],
      environments: [
        {
          env: 'dev',
          added: [policyRef],
          removed: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'agentaskit', name: 'legacy-settings' }],
          changed: [
            {
              ref: deployment,
              changes: [
                {
                  path: 'spec.template.spec.containers[worker].image',
                  op: 'changed',
                  before: 'ghcr.io/agentaskit/worker:1.4.2',
                  after: 'ghcr.io/agentaskit/worker:1.5.0',
                },
              ],
            },
            {
              ref: secretRef,
              changes: [
                { path: 'data.extra', op: 'added', hidden: true },
                { path: 'data.token', op: 'changed', hidden: true },
              ],
            },
          ],
        },
        { env: 'staging', added: [], removed: [], changed: [] },
        {
          env: 'production',
          added: [],
          removed: [],
          changed: [{ ref: deployment, changes: [{ path: 'spec.replicas', op: 'changed', before: 3, after: 5 }] }],
        },
      ],
    };
    expect(json).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  test('is deterministic: the same revisions give byte-identical reports', () => {
    // A second, independent run (base named by sha instead of branch) differs only in the label.
    const again = runDiff(options(repo, { base: baseSha }));
    expect(again).toBe(markdown.replace(`\`main (${baseSha.slice(0, 12)})\``, `\`${baseSha.slice(0, 12)}\``));
  });

  test('never prints secret values, encoded or not', () => {
    const both = markdown + json;
    for (const value of ['s3cr3t-old', 's3cr3t-new', 'eA==']) {
      expect(both).not.toContain(value);
      expect(both).not.toContain(Buffer.from(value).toString('base64'));
    }
  });
});

describe('edge cases', () => {
  test('a reorder-only change in the uncommitted working tree reports no changes, and marks the right side as uncommitted', () => {
    const repo = newRepo();
    writeTree(repo, {
      ...baseTree,
      dev: { ...baseTree.dev, 'app.yaml': [worker('1.4.2', 2, true), service, { ...baseTree.dev['app.yaml'][2] }] },
    });
    const sha = git(repo, 'rev-parse', 'HEAD').slice(0, 12);
    expect(runDiff(options(repo, { base: 'HEAD' }))).toBe(
      `## Manifest diff: \`HEAD (${sha})\` → \`working tree (${sha} + uncommitted changes)\`\n\nNo manifest changes in any environment (dev, staging, production).\n`,
    );
  });

  test('a secret-only change shows the key but hides the value', () => {
    const repo = newRepo();
    const base = git(repo, 'rev-parse', 'HEAD');
    const head = commit(repo, { ...baseTree, dev: { ...baseTree.dev, 'secrets.yaml': [secret('rotated')] } }, 'rotate');
    expect(runDiff(options(repo, { base }))).toBe(`## Manifest diff: \`${base.slice(0, 12)}\` → \`working tree (${head.slice(0, 12)})\`

| Environment | Added | Removed | Changed | High-risk changes |
| --- | ---: | ---: | ---: | ---: |
| dev | 0 | 0 | 1 | 0 |
| staging | 0 | 0 | 0 | 0 |
| production | 0 | 0 | 0 | 0 |

### dev

**Changed**

\`\`\`text
Secret agentaskit/agent-credentials  data.token: changed (value hidden)
\`\`\`
`);
  });

  test('the default base is the merge base with main, ignoring later commits on main', () => {
    const repo = newRepo();
    const forkPoint = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    commit(repo, { ...baseTree, production: { 'app.yaml': [worker('1.4.2', 4), service] } }, 'scale prod');
    git(repo, 'checkout', '--quiet', 'main');
    commit(repo, { ...baseTree, staging: { 'app.yaml': [worker('1.4.3', 2), service] } }, 'main moves on');
    git(repo, 'checkout', '--quiet', 'feature');
    const report = JSON.parse(runDiff(options(repo, { format: 'json' })));
    expect(report.base).toEqual({ label: 'merge-base with main', sha: forkPoint });
    expect(report.summary.map((s: { env: string; changed: number }) => [s.env, s.changed])).toEqual([
      ['dev', 0],
      ['staging', 0],
      ['production', 1],
    ]);
  });

  test('a base revision that fails to synthesize gives a clear error with its stderr', () => {
    const repo = newRepo();
    breakSynth(repo);
    const broken = commit(repo, baseTree, 'broken synth');
    restoreSynth(repo);
    commit(repo, baseTree, 'fixed synth');
    const error = (() => {
      try {
        runDiff(options(repo, { base: broken }));
      } catch (e) {
        return e as Error;
      }
      throw new Error('runDiff did not fail');
    })();
    expect(error).toBeInstanceOf(DiffError);
    // The synth ran with a fresh temporary --outdir, never the repository's dist/.
    expect(error.message).toMatch(
      new RegExp(
        `^synthesizing the base revision ${broken.slice(0, 12)} failed: \`npm run --silent synth -- --outdir '[^']+/manifest-diff-out-[^']+'\` exited with 1\\. ` +
        "Last lines of its output:\nTypeError: cannot read properties of undefined \\(reading 'replicas'\\)$",
      ),
    );
  });

  test("synthesizes into temporary directories: the working tree's dist/ is left as it was", () => {
    const repo = newRepo();
    fs.mkdirSync(path.join(repo, 'dist'));
    fs.writeFileSync(path.join(repo, 'dist', 'mine.txt'), 'the user\'s own build output\n');
    writeTree(repo, featureTree);
    expect(runDiff(options(repo, { base: 'HEAD' }))).toContain('1.5.0');
    expect(fs.readdirSync(path.join(repo, 'dist'))).toEqual(['mine.txt']);
    expect(fs.readFileSync(path.join(repo, 'dist', 'mine.txt'), 'utf8')).toBe('the user\'s own build output\n');
  });

  test('an unknown base ref names the problem and the fix', () => {
    const repo = newRepo();
    expect(() => runDiff(options(repo, { base: 'no-such-branch' }))).toThrow(
      new DiffError("git ref 'no-such-branch' not found — pass --base <existing ref>"),
    );
  });

  test('reusing node_modules symlinks it and cleans up without touching the shared install', () => {
    const repo = newRepo();
    fs.mkdirSync(path.join(repo, 'node_modules', 'some-dep'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'node_modules', 'some-dep', 'index.js'), 'module.exports = 1;\n');
    // The base synth proves the symlink exists by requiring through it.
    fs.writeFileSync(path.join(repo, 'synth.js'), `require('some-dep');\n${COPY_MANIFESTS_JS}`);
    commit(repo, baseTree, 'synth needs a dependency');
    runDiff(options(repo, { base: 'HEAD' }));
    expect(fs.readFileSync(path.join(repo, 'node_modules', 'some-dep', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  });
});
