/** The README states facts about the code; these tests keep them true. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { METRICS } from '../lib/metrics-contract';
import { ENVIRONMENTS, resolveEnvironment } from '../stacks/config';
import { loadEnvironment } from '../stacks/environments';
import { SECRETS } from '../lib/secrets';
import { synthesizeEnvironment } from '../stacks/synth';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

function tableRow(label: string): string[] {
  const line = readme.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`README has no table row "${label}"`);
  return line.split('|').slice(2, -1).map((cell) => cell.trim().replace(/`/g, ''));
}

test('the environments table matches the environment configs', () => {
  const configs = ENVIRONMENTS.map((e) => loadEnvironment(e));
  expect(tableRow('namespace')).toEqual(configs.map((c) => c.namespace));
  expect(tableRow('API host')).toEqual(configs.map((c) => c.apiHost));
  // As built: the configs leave out what the constructs default.
  const charts = configs.map((c) => synthesizeEnvironment(c).chart);
  expect(tableRow('orchestrator replicas (HPA)')).toEqual(charts.map((c) => `${c.orchestrator.autoscaler.minReplicas}–${c.orchestrator.autoscaler.maxReplicas}`));
  expect(tableRow('agent-manager replicas')).toEqual(charts.map((c) => `${c.agentManager.deployment.replicas}`));
  expect(tableRow('agent pool (HPA min–max)')).toEqual(configs.map((c) => `${c.agentWorker.poolSize}–${c.agentWorker.maxReplicas}`));
  expect(tableRow('zone spread')).toEqual(configs.map((c) => c.zoneSpread));
});

test('the quick start is two commands: install + synth, and the test command', () => {
  const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  expect(quickStart.trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm run synth', 'npm test']);
  const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test$/m);
});

test('the construct-reuse example compiles and synthesizes', () => {
  const source = /## Reusing the constructs[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  const localRequire = (id: string) => require(id === 'agentaskit-deploy' ? '../lib' : id);
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)(localRequire, {});
    const files = fs.readdirSync(outdir);
    const manifest = fs.readFileSync(path.join(outdir, files[0]!), 'utf8');
    expect(manifest).toContain('name: agent-worker');
    expect(manifest).toContain('minReplicas: 50');
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('the README names every series of the metrics contract', () => {
  const section = /## Observability([\s\S]*?)\n## /.exec(readme)![1]!;
  for (const metric of Object.values(METRICS)) expect(section).toContain(`\`${metric.name}\``);
});

test('every relative link of the README points at a file that exists', () => {
  for (const [, target] of readme.matchAll(/\]\((?!https?:)([^)#]+)(#[^)]*)?\)/g)) {
    expect([target, fs.existsSync(path.join(__dirname, '..', target!))]).toEqual([target, true]);
  }
});

test('the sample configuration error is the real message for that input', () => {
  const sample = /a bad value stops synthesis[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!.trimEnd();
  expect(() => resolveEnvironment('staging', { agentManager: { replicas: 0 }, images: { agentWorker: 'ghcr.io/agentaskit/agent-worker:latest' } }))
    .toThrow(sample);
});

test('the sample construct error is the real message: the same format, with the construct and the environment', () => {
  const sample = /synthesis adds the environment:[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!.trimEnd();
  // Past config validation, so the pool's own check (in its prop names) is what stops synthesis.
  const config = loadEnvironment('dev');
  expect(() => synthesizeEnvironment({ ...config, agentWorker: { ...config.agentWorker, maxSurgePercent: 1, maxUnavailablePercent: 0 } })).toThrow(sample);
});

test('the plain kubectl route names every prerequisite the manifests reference: Secrets, CRD kinds, Flagger, ingress-nginx, apiServerCidrs', () => {
  const section = /### Applying with plain kubectl([\s\S]*?)\n## /.exec(readme)![1]!;
  const production = loadEnvironment('production');
  const secrets = [...Object.values(SECRETS).map((s) => `\`${s.name}\` (\`${s.key}\`)`), `\`${production.tlsSecretName}\``];
  expect(secrets).toHaveLength(5);
  for (const secret of secrets) expect(section).toContain(secret);
  expect(section).toContain('**the five Secrets**');
  const builtIn = /^(v1|apps\/v1|autoscaling\/v2|policy\/v1|networking\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1|scheduling\.k8s\.io\/v1)$/;
  const customKinds = new Set(synthesizeEnvironment(production).objects.filter((o) => !builtIn.test(o.apiVersion)).map((o) => o.kind));
  expect([...customKinds].sort()).toEqual(['AlertProvider', 'AlertmanagerConfig', 'Canary', 'MetricTemplate', 'PodMonitor', 'PrometheusRule']);
  for (const kind of customKinds) expect(section).toContain(`\`${kind}\``);
  for (const word of ['**Flagger**', 'Service `orchestrator`', '**ingress-nginx**', '`network.apiServerCidrs`', 'docs/network.md', 'kubectl apply -f dist/production/']) expect(section).toContain(word);
});
