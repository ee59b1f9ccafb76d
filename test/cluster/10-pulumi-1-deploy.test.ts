/**
 * `pulumi up` for real: the Pulumi CLI (tools/pulumi), its Node.js language host and the
 * Kubernetes provider plugin (tools/pulumi-kubernetes) deploy every stack to the live control
 * plane, driven by an operator who types the commands of docs/pulumi.md (test/support/pulumi-doc.ts
 * reads them from the doc), against a file backend with a passphrase, offline.
 *
 * Clean start: the earlier suites (01-05) applied every environment with kubectl. This suite
 * deletes those objects first (`kubectl delete -f dist/<env>/`) and checks that none is left, so
 * each stack's first `pulumi up` is a first deploy, on the same shared cluster (a second control
 * plane beside it would double the machine's load for no gain). dev is deployed into a namespace
 * an operator prepared by hand, as docs/pulumi.md "Before the first run" says; staging and
 * production into a cluster that has none of their objects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CANARY_NAME, DASHBOARDS, DashboardKey } from '../../lib/runbook';
import { SECRETS, SecretKey } from '../../lib/secrets';
import { keyOf } from '../../lib/manifest';
import { planStack, ResourcePlan } from '../../pulumi/resource-plan';
import { EnvironmentName } from '../../stacks/config';
import { loadEnvironment } from '../../stacks/environments';
import { synthesizeEnvironment } from '../../stacks/synth';
import { publishIngressStatus } from '../support/ingress-status';
import { deployment, ENVIRONMENTS, envDir, eventually, kube, kubeJson, kubeResult, LIVE, namespaceOf, rolledOut } from '../support/live-cluster';
import { report } from '../support/live-report';
import { docCommand, docCommands, docCommandsMatching, forStack } from '../support/pulumi-doc';
import { PulumiOperator, pulumiToolVersions, shellQuote, StateResource } from '../support/pulumi-operator';
import { deployedState, expectedUrn, liveObjectsOf, previewSummary, upCommand, whenAllPodsReady } from '../support/pulumi-stack';
import { needsTools } from '../support/suite-tools';

needsTools('pulumi', 'pulumi-kubernetes');

const op = PulumiOperator.shared(true);
let stopIngressStatus: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  stopIngressStatus = publishIngressStatus(ENVIRONMENTS.map(namespaceOf));
  // What 01-06 applied with kubectl: gone, namespaces and cluster-scoped objects included, the
  // three environments at once. The Deployments go first, in the foreground (their pods gone, each
  // `podDrainSeconds` after its deletion), and then the rest: a namespace deleted while it still
  // holds terminating pods is only looked at again after half their grace period (the namespace
  // controller requeues after ResourcesRemainingError's estimate / 2 + 1 s,
  // pkg/controller/namespace/namespace_controller.go:157-158; an agent's grace is 630 s), which
  // made this cleanup take 1 037 s one environment after the other.
  await Promise.all(ENVIRONMENTS.map(async (env) => {
    const workloads = await kubeResult(['delete', 'deployments', '--all', '-n', namespaceOf(env), '--cascade=foreground', '--wait=true', '--timeout=5m'], undefined, 6 * 60_000);
    expect({ env, stderr: workloads.stderr }).toEqual({ env, stderr: '' });
    const rest = await kubeResult(['delete', '-f', envDir(env), '--ignore-not-found', '--wait=true', '--timeout=10m'], undefined, 11 * 60_000);
    expect({ env, stderr: rest.stderr }).toEqual({ env, stderr: '' });
  }));
  for (const env of ENVIRONMENTS) expect(liveObjectsOf(env)).toEqual([]);
}, 15 * 60_000);

afterAll(async () => {
  await stopIngressStatus();
});

describe('the tools', () => {
  it('the provider plugin is the release of @pulumi/kubernetes, the CLI at least the @pulumi/pulumi SDK', async () => {
    const v = pulumiToolVersions();
    expect(v.provider).toBe(v.sdk);
    const version = (await op.must('pulumi version')).stdout.trim();
    expect(version).toBe(`v${v.cli}`);
    const [cli, sdk] = [v.cli, v.nodeSdk].map((s) => s.split('.').map(Number));
    expect(cli![0]! * 1e6 + cli![1]! * 1e3 + cli![2]!).toBeGreaterThanOrEqual(sdk![0]! * 1e6 + sdk![1]! * 1e3 + sdk![2]!);
  });

  it('logs in to a file backend as docs/pulumi.md says', async () => {
    const login = forStack(docCommand('Before the first run', /^pulumi login file:/), 'dev', { 'state folder': op.stateDir });
    const res = await op.must(login);
    expect(res.stdout).toContain(`Logged in to`);
    expect((await op.must('pulumi whoami --verbose')).stdout).toContain(`file://${op.stateDir}`);
  });
});

describe.each(ENVIRONMENTS)('stack %s, as docs/pulumi.md says', (env: EnvironmentName) => {
  const config = loadEnvironment(env);
  const ns = namespaceOf(env);
  const synthesized = synthesizeEnvironment(config);
  const plans: ResourcePlan[] = planStack(synthesized);
  const values = op.secretValues(env);
  const figures: Record<string, unknown> = { stack: env, objects: plans.length };

  if (env === 'dev') {
    // Test 6: the operator did by hand what the docs say to create first, then runs the program.
    it('first deploy into a namespace an operator prepared by hand (every "create this first" step of docs/pulumi.md)', async () => {
      const steps = docCommands('Before the first run').filter((c) => c.startsWith('kubectl '));
      expect(steps.length).toBeGreaterThan(0);
      const cert = path.join(op.root, 'tls');
      fs.mkdirSync(cert, { recursive: true });
      const openssl = `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=${config.apiHost} -days 2 -keyout ${cert}/tls.key -out ${cert}/tls.crt`;
      await op.must(openssl);
      for (const step of steps) {
        const command = forStack(step, env, {
          'certificate file': `${cert}/tls.crt`,
          'key file': `${cert}/tls.key`,
        })
          .replace(/dist\/production\//g, `${envDir(env)}/`)
          .replace(/agentaskit-production/g, ns)
          .replace(/agentaskit-api-tls/g, config.tlsSecretName);
        await op.must(command);
      }
      expect(kubeJson<{ metadata: { name: string } }>(['secret', config.tlsSecretName, '-n', ns]).metadata.name).toBe(config.tlsSecretName);
    });
  }

  it('pulumi stack init, pulumi config set --secret: the stack file holds the secrets only as ciphertext', async () => {
    await op.must(forStack(docCommand('Stacks', /^pulumi stack init /), env));
    // Before the secrets are set the program refuses to run, with every problem and its fix, once:
    // the language host passes the program's own error through (exit 32, "bail") and adds nothing.
    const early = await op.run(forStack(docCommand('Preview and apply', /^pulumi preview .*--diff/), env));
    expect(early.code).not.toBe(0);
    const shown = early.stdout + early.stderr;
    expect(shown.split('Invalid Pulumi stack configuration:').length - 1).toBe(1);
    for (const key of Object.keys(SECRETS)) expect(shown).toContain(`pulumi config set --secret agentaskit-deploy:${key} <value>`);
    expect(shown).not.toContain('Program exited with non-zero exit code');
    const sets = docCommandsMatching('Secrets', /^pulumi config set --stack \S+ --secret agentaskit-deploy:/);
    expect(sets.map((c) => /agentaskit-deploy:(\w+)/.exec(c)![1]).sort()).toEqual(Object.keys(SECRETS).sort());
    for (const set of sets) {
      const key = /agentaskit-deploy:(\w+)/.exec(set)![1] as SecretKey;
      const placeholder = /<([^<>]+)>\s*$/.exec(set)![1]!;
      await op.must(forStack(set, env, { [placeholder]: shellQuote(values[key]) }));
    }
    const stackFile = fs.readFileSync(path.join(op.project, `Pulumi.${env}.yaml`), 'utf8');
    expect(stackFile).toMatch(/^encryptionsalt: v1:/m);
    for (const key of Object.keys(SECRETS) as SecretKey[]) {
      expect(stackFile).toMatch(new RegExp(`agentaskit-deploy:${key}:\\n\\s+secure: v1:`));
      expect(stackFile).not.toContain(values[key]);
    }
  });

  it('pulumi preview plans exactly the synthesized objects, and the policy pack passes', async () => {
    const preview = await op.must(forStack(docCommand('Preview and apply', /^pulumi preview .*--diff/), env));
    figures.previewSeconds = preview.seconds;
    const urns = [...preview.stdout.matchAll(/\[urn=(urn:pulumi:[^\]\s]+)\]/g)].map((m) => m[1]!);
    const objectUrns = urns.filter((u) => /\$kubernetes:[^:]+\/[^:]+:[^:]+::/.test(u));
    expect(new Set(objectUrns)).toEqual(new Set(plans.map((p) => expectedUrn(env, p))));
    expect(objectUrns).toHaveLength(plans.length);
    // Plus the stack, the component and the provider; everything is a create.
    expect(previewSummary(preview.stdout)).toEqual({ create: plans.length + 3 });

    const withPolicy = await op.must(forStack(docCommand('Preview and apply', /^pulumi preview .*--policy-pack policy/), env));
    expect(withPolicy.stdout).toMatch(/Policies:[\s\S]*agentaskit-guarantees@v0\.1\.0 \(local: policy\)/);
    expect(withPolicy.stdout).not.toMatch(/mandatory|advisory|violation/i);
  });

  it(`pulumi up --policy-pack policy --yes: every object created in dependency order, every Deployment Ready`, async () => {
    const started = Date.now();
    const up = await op.run(upCommand(env));
    expect({ code: up.code, output: up.code === 0 ? '' : up.stdout + up.stderr }).toEqual({ code: 0, output: '' });
    figures.upSeconds = up.seconds;
    expect(previewSummary(up.stdout)).toEqual({ created: plans.length + 3 });
    expect(up.stdout).not.toMatch(/warning: resource plugin kubernetes is expected to have version/);

    // At the moment `pulumi up` returned every Deployment was rolled out, every pod available
    // (minReadySeconds after Ready included): each Deployment's await is its rollout being
    // complete (pulumi.com/waitFor, pulumi/rollout-complete.ts).
    const atReturn = Object.fromEntries(plans.filter((p) => p.ref.kind === 'Deployment').map((p) => [p.ref.name, deployment(ns, p.ref.name)]));
    const expected: Record<string, number> = {};
    for (const plan of plans.filter((p) => p.ref.kind === 'Deployment')) {
      const hpa = plans.find((p) => p.ref.kind === 'HorizontalPodAutoscaler' && (p.object.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === plan.ref.name);
      expected[plan.ref.name] = ((hpa?.object.spec as { minReplicas?: number } | undefined)?.minReplicas ?? (plan.object.spec as { replicas?: number }).replicas)!;
    }
    for (const [name, replicas] of Object.entries(expected)) {
      const d = atReturn[name]!;
      expect({ name, replicas: d.spec.replicas, rolledOut: rolledOut(d), available: d.status.availableReplicas }).toEqual({ name, replicas, rolledOut: true, available: replicas });
    }
    figures.secondsToAllReady = whenAllPodsReady(ns, started);
    figures.pods = Object.values(expected).reduce((a, b) => a + b, 0);
    if (env === 'production') {
      expect(expected['agent-worker']).toBe(config.agentWorker.poolSize);
      // The real HPA is in charge: it targets the Deployment, can scale it, and wants what runs.
      // (Its first sync comes up to one HPA resync period after its creation, the last of the stack's.)
      type Hpa = { status: { currentReplicas?: number; desiredReplicas?: number; conditions?: Array<{ type: string; status: string; reason?: string }> } };
      const hpa = await eventually('the worker HPA\'s first sync', () => {
        const h = kubeJson<Hpa>(['hpa', 'agent-worker', '-n', ns]);
        return h.status.conditions?.some((c) => c.type === 'AbleToScale') ? h : undefined;
      }, 120_000, 1000);
      expect(hpa.status.currentReplicas).toBe(config.agentWorker.poolSize);
      expect(hpa.status.conditions?.find((c) => c.type === 'AbleToScale')?.status).toBe('True');
      // Pulumi created the Deployment at the floor, so the HPA has no minReplicas correction to
      // make and asks the metrics API, which this cluster does not have (no metrics-server:
      // docs/live-cluster.md). So it reports ScalingActive False, FailedGetResourceMetric, and no
      // desiredReplicas of its own (measured: 0) while it keeps the floor; that it does act on the
      // Deployment is shown by 10-pulumi-3 (a raised floor becomes the worker count).
      const active = hpa.status.conditions?.find((c) => c.type === 'ScalingActive');
      figures.hpaScalingActive = active;
      expect({ status: active?.status, reason: active?.reason }).toEqual({ status: 'False', reason: 'FailedGetResourceMetric' });
    }

    // The engine recorded exactly the plan's dependencies, and the cluster saw the objects in that order.
    const state = await deployedState(op, env);
    for (const plan of plans) {
      const resource = state.get(expectedUrn(env, plan));
      expect(resource).toBeDefined();
      const want = plan.dependsOn.map((key) => expectedUrn(env, plans.find((p) => p.key === key)!)).sort();
      expect({ key: plan.key, dependencies: [...(resource!.dependencies ?? [])].sort() }).toEqual({ key: plan.key, dependencies: want });
    }
    const created = new Map(liveObjectsOf(env).map((o) => [keyOf({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }), Date.parse(o.metadata.creationTimestamp)]));
    for (const plan of plans) {
      for (const key of plan.dependsOn) {
        // The namespace an operator made by hand (dev) is older than the deploy: still before its objects.
        expect({ [plan.key]: created.get(plan.key)! >= created.get(key)! }).toEqual({ [plan.key]: true });
      }
    }
  });

  it('pulumi stack output: the documented outputs with the right values', async () => {
    const outputs = await op.must(forStack(docCommand('Preview and apply', /^pulumi stack output /), env));
    const documented = /# (namespace, .*)$/m.exec(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'pulumi.md'), 'utf8'))![1]!.split(', ');
    for (const name of documented) expect(outputs.stdout).toMatch(new RegExp(`^\\s*${name}\\s`, 'm'));
    const json = JSON.parse((await op.must(`pulumi stack output --stack ${env} --json`)).stdout) as Record<string, unknown>;
    expect(json).toEqual({
      namespace: ns,
      deployments: synthesized.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort(),
      canaryName: CANARY_NAME,
      canaryAnalysisTimeoutSeconds: synthesized.chart.canary.timing.wait.timeoutSeconds,
      apiUrl: `https://${config.apiHost}`,
      dashboardUrls: Object.fromEntries((Object.keys(DASHBOARDS) as DashboardKey[]).map((k) => [k, `${config.grafanaUrl}/d/${DASHBOARDS[k].uid}`])),
    });
    expect(Object.keys(json).sort()).toEqual([...documented].sort());
  });

  it('a second preview reports no changes, and pulumi refresh finds no drift', async () => {
    const again = await op.must(forStack(docCommand('Preview and apply', /^pulumi preview .*--diff/), env));
    expect(previewSummary(again.stdout)).toEqual({ unchanged: plans.length + 3 });
    figures.secondPreviewSeconds = again.seconds;
    const refresh = await op.must(`pulumi refresh --stack ${env} --yes --diff`);
    figures.refreshSeconds = refresh.seconds;
    expect(previewSummary(refresh.stdout)).toEqual({ unchanged: plans.length + 3 });
    const afterRefresh = await op.must(forStack(docCommand('Preview and apply', /^pulumi preview .*--diff/), env));
    expect(previewSummary(afterRefresh.stdout)).toEqual({ unchanged: plans.length + 3 });
    report(`pulumi ${env}`, figures);
  });
});

describe('secrets', () => {
  it('no secret value in plaintext in any state file, any CLI output, any stack file or manifest', () => {
    const haystacks: Record<string, string> = {
      'CLI output': op.output(),
      ...Object.fromEntries(ENVIRONMENTS.map((env) => [`state ${env}`, fs.readFileSync(op.stateFile(env), 'utf8')])),
      ...Object.fromEntries(ENVIRONMENTS.map((env) => [`Pulumi.${env}.yaml`, fs.readFileSync(path.join(op.project, `Pulumi.${env}.yaml`), 'utf8')])),
      manifests: fs.readdirSync(LIVE.distDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')).join('\n'),
    };
    for (const env of ENVIRONMENTS) {
      for (const [key, value] of Object.entries(op.secretValues(env))) {
        for (const [where, text] of Object.entries(haystacks)) {
          for (const form of [value, Buffer.from(value).toString('base64')]) expect({ where, key, env, found: text.includes(form) }).toEqual({ where, key, env, found: false });
        }
      }
    }
    // The state does hold them, encrypted: every Secret's data is a ciphertext.
    for (const env of ENVIRONMENTS) {
      const secrets = JSON.parse(fs.readFileSync(op.stateFile(env), 'utf8')).checkpoint.latest.resources.filter((r: StateResource) => r.type === 'kubernetes:core/v1:Secret');
      expect(secrets).toHaveLength(new Set(Object.values(SECRETS).map((s) => s.name)).size);
      for (const s of secrets) expect(JSON.stringify(s.outputs.data)).toMatch(/"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":"v1:/);
    }
  });

  it.each(ENVIRONMENTS)('%s: the Kubernetes Secrets hold the configured values', (env) => {
    const values = op.secretValues(env);
    for (const [key, ref] of Object.entries(SECRETS) as Array<[SecretKey, (typeof SECRETS)[SecretKey]]>) {
      const data = kubeJson<{ data: Record<string, string> }>(['secret', ref.name, '-n', namespaceOf(env)]).data;
      expect({ key, value: Buffer.from(data[ref.key]!, 'base64').toString('utf8') }).toEqual({ key, value: values[key] });
    }
  });
});

describe('the CrossGuard pack inside the CLI', () => {
  it('refuses at preview a stack change that violates a policy (a container without limits), with the policy\'s message, and up applies nothing', async () => {
    const env: EnvironmentName = 'staging';
    const ns = namespaceOf(env);
    const before = deployment(ns, 'agent-worker').metadata.generation;
    // Test-only program: the real one with agent-worker's limits removed (a stack transformation).
    const checkout = op.overrideCheckout('without-limits', path.join(__dirname, 'fixtures', 'without-limits.js'));
    const preview = await op.run(forStack(docCommand('Preview and apply', /^pulumi preview .*--policy-pack policy/), env), { cwd: checkout });
    expect(preview.code).not.toBe(0);
    const output = preview.stdout + preview.stderr;
    expect(output).toContain('mandatory');
    expect(output).toContain('container-resources');
    expect(output).toContain(`Deployment ${ns}/agent-worker: container "agent-worker" has no resources.limits.memory. Fix: set them (memory limit = request).`);
    const up = await op.run(upCommand(env), { cwd: checkout });
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain('container-resources');
    expect(deployment(ns, 'agent-worker').metadata.generation).toBe(before);
    expect(kube(['get', 'deployment', 'agent-worker', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].resources.limits.memory}'])).not.toBe('');
  });
});

