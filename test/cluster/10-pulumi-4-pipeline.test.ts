/**
 * The deploy pipeline's steps (.github/workflows/pulumi-up.yml, one stage of deploy.yml) run
 * locally, in the same order, against the live cluster: the commands of docs/pulumi.md "What a
 * deploy pipeline runs", which test/workflows.test.ts holds to the workflow, as one shell script.
 *
 * Two differences from a runner, both explicit: `npm ci` is not run (the suite runs inside the
 * checkout's node_modules; `npm run test:cluster` installed them), and KUBECONFIG is the live
 * cluster's instead of the environment secret's. The canary part runs against the live Canary
 * without Flagger (issue 11 brings a live Flagger): the release is the tag the stack already runs,
 * so Flagger would start no analysis, and `wait-canary wait` must conclude "nothing released".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadEnvironment } from '../../stacks/environments';
import { repoRoot } from '../../scripts/cluster/tools';
import { publishIngressStatus } from '../support/ingress-status';
import { deployment, ENVIRONMENTS, kubeJson, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { docCommands, forStack } from '../support/pulumi-doc';
import { PulumiOperator, shellQuote } from '../support/pulumi-operator';
import { previewSummary, stackPlans } from '../support/pulumi-stack';
import { needsTools } from '../support/suite-tools';

needsTools('pulumi', 'pulumi-kubernetes');

const env = 'dev';
const config = loadEnvironment(env);
const op = PulumiOperator.shared();
let stopIngressStatus: () => Promise<void> = async () => undefined;

/** Which pipeline step a command or workflow step is. */
function stepOf(text: string): string | undefined {
  if (/npm run build/.test(text)) return 'build';
  if (/pulumi config set .*imageTag/.test(text)) return 'config';
  if (/pulumi config .*--json --open/.test(text)) return 'context';
  if (/wait-canary -- snapshot/.test(text)) return 'wait-canary snapshot';
  if (/^pulumi up |command: up/.test(text)) return 'up';
  if (/wait-canary -- wait/.test(text)) return 'wait-canary wait';
  return undefined;
}

beforeAll(() => {
  stopIngressStatus = publishIngressStatus(ENVIRONMENTS.map(namespaceOf));
});

afterAll(async () => {
  await stopIngressStatus();
});

it(`the pipeline's steps, as docs/pulumi.md lists them in the workflow's order, deploy ${env} and wait for the canary's verdict`, async () => {
  const commands = docCommands('What a deploy pipeline runs');
  const workflow = parse(fs.readFileSync(path.join(repoRoot(), '.github', 'workflows', 'pulumi-up.yml'), 'utf8')) as { jobs: { up: { steps: Array<{ run?: string; with?: Record<string, string> }> } } };
  const workflowSteps = workflow.jobs.up.steps.map((s) => stepOf(s.run ?? (s.with?.command ? `command: ${s.with.command}` : ''))).filter((s) => s !== undefined);
  const docSteps = commands.map(stepOf).filter((s) => s !== undefined);
  expect(docSteps).toEqual(workflowSteps);
  expect(docSteps).toEqual(['build', 'config', 'context', 'wait-canary snapshot', 'up', 'wait-canary wait']);

  const tag = /:([^:@]+)$/.exec(config.images.agentWorker)![1]!; // the release the stack runs
  const state = path.join(op.root, 'canary-before-up.json');
  const script = commands
    .map((c) => c.replace(/^npm ci && /, ''))
    .map((c) => forStack(c, env, { env, 'release tag': shellQuote(tag), file: shellQuote(state) }));
  const started = Date.now();
  const run = await op.run(script.join('\n'));
  expect({ code: run.code, output: run.code === 0 ? '' : run.stdout + run.stderr }).toEqual({ code: 0, output: '' });
  expect(previewSummary(run.stdout)).toEqual({ unchanged: stackPlans(env).length + 3 });
  expect(run.stdout + run.stderr).toContain('canary agentaskit-canary: no new revision to analyse');
  for (const name of ['agent-manager', 'agent-worker', 'orchestrator']) expect(rolledOut(deployment(namespaceOf(env), name))).toBe(true);
  expect(kubeJson<{ metadata: { name: string } }>(['canary', 'agentaskit-canary', '-n', namespaceOf(env)]).metadata.name).toBe('agentaskit-canary');
  report('pulumi deploy pipeline (dev, same release)', { seconds: Number(((Date.now() - started) / 1000).toFixed(1)), steps: docSteps });
});
