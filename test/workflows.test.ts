import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_NAME } from '../lib/runbook';
import type { ProgramOutputs } from '../pulumi/program';
import type { StackConfig } from '../pulumi/stack-config';

const root = path.resolve(__dirname, '..');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;

function yamlFiles(dir: string, match: RegExp): string[] {
  const abs = path.join(root, dir);
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => match.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

const workflowFiles = yamlFiles('.github/workflows', /\.ya?ml$/);
const actionFiles = yamlFiles('.github/actions', /(^|\/)action\.ya?ml$/);
const docs = new Map<string, any>([...workflowFiles, ...actionFiles].map((f) => [f, parse(fs.readFileSync(path.join(root, f), 'utf8'))]));
const workflow = (name: string) => docs.get(`.github/workflows/${name}`);

/** Every value under a `key` anywhere in the document (steps can sit in jobs or composite actions). */
function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

/** Scripts named by `npm run [--flags] X`, `npm run-script X` and `npm test`/`npm t` in shell text. */
function npmScriptsCalled(shell: string): string[] {
  const called: string[] = [];
  for (const m of shell.matchAll(/\bnpm\s+(?:run|run-script)\s+(?:--?[\w-]+\s+)*([\w:.-]+)/g)) called.push(m[1]);
  for (const m of shell.matchAll(/\bnpm\s+(test|t)\b/g)) called.push(m[1] === 't' ? 'test' : m[1]);
  return called;
}

test('found the workflows and the shared setup action', () => {
  expect(workflowFiles).toEqual(
    expect.arrayContaining(['.github/workflows/deploy.yml', '.github/workflows/pr-preview.yml', '.github/workflows/pulumi-up.yml', '.github/workflows/test.yml']),
  );
  expect(actionFiles).toContain('.github/actions/setup/action.yml');
});

test.each([...docs.keys()])('%s parses and only calls npm scripts that exist', (file) => {
  const doc = docs.get(file);
  expect(doc).toEqual(expect.any(Object));
  const runs = collect(doc, 'run').filter((r): r is string => typeof r === 'string');
  for (const script of runs.flatMap(npmScriptsCalled)) {
    expect({ file, script, exists: script in scripts }).toEqual({ file, script, exists: true });
  }
  for (const uses of collect(doc, 'uses').filter((u): u is string => typeof u === 'string' && u.startsWith('./'))) {
    expect({ file, uses, exists: fs.existsSync(path.join(root, uses)) }).toEqual({ file, uses, exists: true });
  }
});

test('the script matcher understands flags, run-script and npm test', () => {
  expect(npmScriptsCalled('npm ci\nnpm run --silent diff -- --base x\nnpm run-script build && npm test\nnpm t')).toEqual([
    'diff',
    'build',
    'test',
    'test',
  ]);
});

test('test workflow: Node 20 on Debian 12, npm ci, then npm test (the README\'s test command, as in .ci/run)', () => {
  const setup = docs.get('.github/actions/setup/action.yml');
  expect(setup.runs.steps[0]).toMatchObject({ uses: 'actions/setup-node@v4', with: { 'node-version': 20 } });
  expect(setup.runs.steps[1].run).toMatch(/^npm ci\b/);
  const steps = workflow('test.yml').jobs.test.steps;
  expect(steps.map((s: { uses?: string; run?: string }) => s.uses ?? s.run)).toEqual([
    'actions/checkout@v4',
    './.github/actions/setup',
    'npm test',
  ]);
  expect(workflow('test.yml').jobs.test.container).toBe('node:20-bookworm');
});

type Step = { name?: string; uses?: string; run?: string; id?: string; env?: Record<string, string>; with?: Record<string, unknown> };

/** Index of the one step matching `predicate`; fails naming `what` when there is none. */
function stepIndex(steps: Step[], what: string, predicate: (s: Step) => boolean): number {
  const index = steps.findIndex(predicate);
  expect({ what, found: index >= 0 }).toEqual({ what, found: true });
  return index;
}
const runs = (pattern: RegExp) => (s: Step) => pattern.test(s.run ?? '');
const pulumiCommand = (command: string) => (s: Step) => s.uses === 'pulumi/actions@v6' && s.with?.command === command;

/** Build, then cluster credentials, then Pulumi: the order every Pulumi job needs. */
function expectPulumiJobOrder(steps: Step[], command: string, secretExpression: RegExp) {
  const build = stepIndex(steps, 'npm run build', runs(/^npm run build$/));
  const credentials = stepIndex(steps, 'credentials', (s) => secretExpression.test(s.env?.KUBECONFIG_CONTENT ?? ''));
  expect(steps[credentials]!.run).toMatch(/echo "KUBECONFIG=\$RUNNER_TEMP\/kubeconfig" >> "\$GITHUB_ENV"/);
  expect(steps[credentials]!.run).toMatch(/umask 077/);
  const install = stepIndex(steps, 'Pulumi CLI install', (s) => s.uses === 'pulumi/actions@v6' && s.with === undefined);
  const pulumi = stepIndex(steps, `pulumi ${command}`, pulumiCommand(command));
  // The policy pack runs from build/policy, so it must be built before Pulumi runs it.
  expect(steps[pulumi]!.with).toMatchObject({ policyPacks: 'policy', 'work-dir': '.' });
  expect(build).toBeLessThan(pulumi);
  expect(credentials).toBeLessThan(pulumi);
  expect(install).toBeLessThan(pulumi);
  return { pulumi, install };
}

test('PR preview: sticky diff comment, and pulumi preview for every stack with credentials, release tag and the policy pack', () => {
  const { jobs } = workflow('pr-preview.yml');
  const diffSteps = jobs['manifest-diff'].steps;
  expect(diffSteps.some((s: { run?: string }) => /npm run --silent diff -- .*--out manifest-diff\.md/.test(s.run ?? ''))).toBe(true);
  expect(diffSteps).toContainEqual(
    expect.objectContaining({ uses: 'marocchino/sticky-pull-request-comment@v2', with: { header: 'manifest-diff', path: 'manifest-diff.md' } }),
  );
  const preview = jobs['pulumi-preview'];
  expect(preview.strategy.matrix.stack).toEqual(['dev', 'staging', 'production']);
  const steps: Step[] = preview.steps;
  const { pulumi, install } = expectPulumiJobOrder(steps, 'preview', /^\$\{\{ secrets\[format\('PREVIEW_KUBECONFIG_\{0\}', matrix\.stack\)\] \}\}$/);
  expect(steps[pulumi]!.with).toMatchObject({ 'stack-name': '${{ matrix.stack }}', 'comment-on-pr': true });
  const tag = stepIndex(steps, 'imageTag', runs(/pulumi config set --stack "\$STACK" agentaskit-deploy:imageTag/));
  expect(install).toBeLessThan(tag);
  expect(tag).toBeLessThan(pulumi);
});

test('deploy: only a tested release, dev → staging → production, each in its protected GitHub environment', () => {
  const { on, jobs, concurrency } = workflow('deploy.yml');
  expect(concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
  // No deploy of an untested commit: no trigger on branch pushes, and the tests gate the first stage.
  expect(on.push).toEqual({ tags: ['v*'] });
  expect(on.workflow_dispatch.inputs['image-tag']).toMatchObject({ required: true, type: 'string' });
  expect(jobs.test).toEqual({ uses: './.github/workflows/test.yml' });
  expect(workflow('test.yml').on).toHaveProperty('workflow_call');
  const stages = Object.entries(jobs).filter(([, job]: [string, any]) => job.uses === './.github/workflows/pulumi-up.yml');
  expect(stages.map(([id, job]: [string, any]) => [id, job.needs, job.with.stack, job.with['image-tag'], job.secrets])).toEqual([
    ['dev', ['release', 'test'], 'dev', '${{ needs.release.outputs.image-tag }}', 'inherit'],
    ['staging', ['release', 'dev'], 'staging', '${{ needs.release.outputs.image-tag }}', 'inherit'],
    ['production', ['release', 'staging'], 'production', '${{ needs.release.outputs.image-tag }}', 'inherit'],
  ]);
  expect(jobs.release.steps[0].run).toMatch(/tag="\$\{INPUT_TAG:-\$\{GIT_TAG#v\}\}"/);
});

test('pulumi-up: credentials, release tag, policy pack, then waits for the canary verdict before the next stage', () => {
  const up = workflow('pulumi-up.yml').jobs.up;
  expect(up.environment).toBe('${{ inputs.stack }}');
  const steps: Step[] = up.steps;
  const { pulumi, install } = expectPulumiJobOrder(steps, 'up', /^\$\{\{ secrets\.KUBECONFIG \}\}$/);
  expect(steps[pulumi]).toMatchObject({ id: 'up', with: { 'stack-name': '${{ inputs.stack }}' } });
  const tag = stepIndex(steps, 'imageTag', runs(/^pulumi config set --stack "\$STACK" agentaskit-deploy:imageTag "\$IMAGE_TAG"$/));
  expect(steps[tag]!.env).toEqual({ STACK: '${{ inputs.stack }}', IMAGE_TAG: '${{ inputs.image-tag }}' });
  const snapshot = stepIndex(steps, 'canary snapshot', runs(/^npm run --silent wait-canary -- snapshot --environment "\$\{\{ inputs\.stack \}\}"/));
  const wait = stepIndex(steps, 'canary wait', runs(/^npm run --silent wait-canary -- wait --environment "\$\{\{ inputs\.stack \}\}"/));
  // The bound is the program's own stack output (pulumi/actions exposes outputs as step outputs).
  const output: keyof ProgramOutputs = 'canaryAnalysisTimeoutSeconds';
  expect(steps[wait]!.run).toContain(`--timeout "\${{ steps.up.outputs.${output} }}"`);
  expect([install < tag, tag < pulumi, snapshot < pulumi, pulumi < wait, wait === steps.length - 1]).toEqual([true, true, true, true, true]);
  // The wait reads the state the snapshot wrote (the runner context is not available in job-level env).
  const state = (step: Step) => /--state "([^"]+)"/.exec(step.run ?? '')?.[1];
  expect(state(steps[snapshot]!)).toBe('$RUNNER_TEMP/canary-before-up.json');
  expect(state(steps[wait]!)).toBe(state(steps[snapshot]!));
  expect(JSON.stringify(up.env ?? {})).not.toContain('runner.');
});

test('pulumi-up: snapshot and wait read the canary on the kubeconfig context the stack deploys to (stack key kubeContext)', () => {
  const steps: Step[] = workflow('pulumi-up.yml').jobs.up.steps;
  const key: keyof StackConfig = 'kubeContext';
  const read = stepIndex(steps, 'kubeContext read', (s) => s.id === 'kube');
  // The stack's own config (ESC environments opened, as the program sees them); a pulumi failure fails the step.
  expect(steps[read]!.env).toEqual({ STACK: '${{ inputs.stack }}' });
  expect(steps[read]!.run).toContain('config="$(pulumi config --stack "$STACK" --json --open)"');
  expect(steps[read]!.run).toContain(`echo "context=$(jq -r '."${PROJECT_NAME}:${key}".value // ""' <<<"$config")" >> "$GITHUB_OUTPUT"`);
  const install = stepIndex(steps, 'Pulumi CLI install', (s) => s.uses === 'pulumi/actions@v6' && s.with === undefined);
  const snapshot = stepIndex(steps, 'canary snapshot', runs(/wait-canary -- snapshot /));
  const wait = stepIndex(steps, 'canary wait', runs(/wait-canary -- wait /));
  expect([install < read, read < snapshot]).toEqual([true, true]);
  for (const step of [steps[snapshot]!, steps[wait]!]) {
    expect(step.env).toEqual({ KUBE_CONTEXT: '${{ steps.kube.outputs.context }}' });
    expect(step.run).toMatch(/ --context "\$KUBE_CONTEXT"$/);
  }
});

test.each([...docs.keys()])('%s never forces server-side apply conflicts (the HPA keeps spec.replicas)', (file) => {
  expect(fs.readFileSync(path.join(root, file), 'utf8')).not.toMatch(/PULUMI_K8S_ENABLE_PATCH_FORCE|patchForce/);
});
