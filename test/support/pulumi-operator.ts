/**
 * An operator at a shell with the Pulumi CLI, for the live Pulumi suites (test/cluster/10-pulumi-*):
 * the commands of docs/pulumi.md run as written (through bash, in a checkout of the project),
 * against the live cluster and a self-managed state backend, offline.
 *
 * - The tools are the ones scripts/cluster/build-tools.sh builds (tools/pulumi, tools/pulumi-kubernetes),
 *   found on PATH as the CLI looks them up; a missing one fails with the command that builds it.
 * - The checkout is a temporary folder: Pulumi.yaml and the stack files are copied (`pulumi config set`
 *   writes the stack file, and the repository's must stay as committed); everything else (build/,
 *   policy/, node_modules/, scripts/, the sources) is a link to the repository's.
 * - The backend is a `file://` folder beside it, the secrets provider a passphrase; no update
 *   checks, no plugin downloads (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: a plugin that is not
 *   installed is an error, never a download). PULUMI_HOME is temporary too, so nothing is read from
 *   or written to ~/.pulumi, and KUBECONFIG is the live cluster's, so ~/.kube/config is never used.
 * - Every command's output is kept (`transcript`), so a test can look for secrets in all of it.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SecretKey } from '../../lib/secrets';
import { installedProviderVersion } from '../../pulumi/provider-version';
import { clusterDir } from '../../scripts/cluster/control-plane';
import { goToolsBin, repoRoot, toolVersion } from '../../scripts/cluster/tools';
import { EnvironmentName } from '../../stacks/config';
import { cluster, LIVE } from './live-cluster';

export interface CommandResult {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the command. */
  readonly seconds: number;
}

/** Output without the CLI's colours and cursor movements. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** A value for a bash command line, single-quoted. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The tool versions the suites rely on: the provider plugin's release is the `@pulumi/kubernetes`
 * SDK's (one release, never another's binary under its name), the CLI at least the SDK's.
 */
export function pulumiToolVersions(): { cli: string; provider: string; sdk: string; nodeSdk: string } {
  return {
    cli: toolVersion('pulumi').replace(/^v/, ''),
    provider: toolVersion('pulumi-kubernetes').replace(/^v/, ''),
    sdk: installedProviderVersion(),
    nodeSdk: (require('@pulumi/pulumi/package.json') as { version: string }).version,
  };
}

export class PulumiOperator {
  readonly root: string;
  /** The checkout the commands run in. */
  readonly project: string;
  readonly stateDir: string;
  readonly home: string;
  readonly transcript: CommandResult[] = [];

  readonly passphrase: string;
  /** Seed of the stack secrets' values (secretValues), kept with the workspace. */
  private readonly seed: string;

  private constructor(root: string, passphrase: string, seed: string) {
    this.root = root;
    this.passphrase = passphrase;
    this.seed = seed;
    this.project = path.join(root, 'checkout');
    this.stateDir = path.join(root, 'state');
    this.home = path.join(root, 'home');
  }

  /** Where the suites' shared workspace is recorded (the live cluster's folder, gone with it). */
  static readonly sharedFile = path.join(clusterDir({ name: LIVE.clusterName }), 'pulumi-operator.json');

  /**
   * The workspace the Pulumi suites share (one backend, one passphrase, one checkout): made by the
   * first suite that asks, found again by the later ones; `fresh` starts a new one.
   */
  static shared(fresh = false): PulumiOperator {
    if (!fresh && fs.existsSync(PulumiOperator.sharedFile)) {
      const { root, passphrase, seed } = JSON.parse(fs.readFileSync(PulumiOperator.sharedFile, 'utf8')) as Record<string, string>;
      if (fs.existsSync(root!)) return new PulumiOperator(root!, passphrase!, seed!);
    }
    if (fs.existsSync(PulumiOperator.sharedFile)) {
      const { root } = JSON.parse(fs.readFileSync(PulumiOperator.sharedFile, 'utf8')) as Record<string, string>;
      fs.rmSync(root!, { recursive: true, force: true });
    }
    const op = new PulumiOperator(fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-pulumi-')), randomBytes(18).toString('base64url'), randomBytes(8).toString('hex'));
    for (const d of [op.project, op.stateDir, op.home]) fs.mkdirSync(d, { recursive: true });
    // The checkout: the stack files copied (commands write them), everything else linked.
    const repo = repoRoot();
    for (const f of fs.readdirSync(repo)) {
      if (/^Pulumi(\.[a-z]+)?\.yaml$/.test(f)) fs.copyFileSync(path.join(repo, f), path.join(op.project, f));
      else if (!['.git', '.cluster', '.tools', 'dist'].includes(f)) fs.symlinkSync(path.join(repo, f), path.join(op.project, f));
    }
    fs.writeFileSync(PulumiOperator.sharedFile, JSON.stringify({ root: op.root, passphrase: op.passphrase, seed: op.seed }) + '\n', { mode: 0o600 });
    return op;
  }

  /**
   * A second checkout of the same project and stacks whose Pulumi.yaml runs `main` (a test-only
   * program that wraps the real one) instead of build/pulumi/index.js: a stack change the real
   * config cannot make. Its stack files are copies of this checkout's, so the stacks' config and
   * state are the same.
   */
  overrideCheckout(name: string, main: string): string {
    const dir = path.join(this.root, `checkout-${name}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    for (const f of fs.readdirSync(this.project)) {
      const from = path.join(this.project, f);
      if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), path.join(dir, f));
      else fs.copyFileSync(from, path.join(dir, f));
    }
    const yaml = fs.readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8');
    if (!/^main: build\/pulumi\/index\.js$/m.test(yaml)) throw new Error('Pulumi.yaml no longer has `main: build/pulumi/index.js`: update overrideCheckout');
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), yaml.replace(/^main: .*$/m, `main: ${main}`));
    return dir;
  }

  /**
   * The values an operator sets as the stack's four secrets: distinct per stack and per run, shaped
   * like the real ones (a routing key, webhook URLs, a token), so a search for them finds nothing else.
   */
  secretValues(stack: EnvironmentName): Record<SecretKey, string> {
    const v = (what: string) => createHash('sha256').update(`${this.seed}/${stack}/${what}`).digest('hex').slice(0, 32);
    return {
      pagerdutyRoutingKey: `R0${v('pd')}`,
      slackWebhook: `https://hooks.slack.example/services/T0/B0/${v('slack')}`,
      ticketWebhook: `https://tickets.example/hooks/${v('ticket')}`,
      adminToken: `adm-${v('admin')}`,
    };
  }

  /** The environment of every command: the built tools first on PATH, everything else local. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: `${goToolsBin()}:${process.env.PATH}`,
      HOME: this.home,
      PULUMI_HOME: path.join(this.home, '.pulumi'),
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      KUBECONFIG: cluster().kubeconfig,
      KUBECTL_KUBERC: 'false',
      // npm (the pipeline's `npm run`) must not ask the registry whether it is up to date.
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NO_COLOR: '1',
      TERM: 'dumb',
      ...extra,
    };
  }

  /** Runs one shell command line (as an operator types it) in the checkout. */
  run(command: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; onOutput?: (chunk: string) => void } = {}): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-euo', 'pipefail', '-c', command], { cwd: opts.cwd ?? this.project, env: this.env(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => ((stdout += c), opts.onOutput?.(c)));
      child.stderr.setEncoding('utf8').on('data', (c: string) => ((stderr += c), opts.onOutput?.(c)));
      const timer = setTimeout(() => child.kill('SIGINT'), opts.timeoutMs ?? 20 * 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        const result = { command, code: code ?? -1, stdout: plain(stdout), stderr: plain(stderr), seconds: (Date.now() - started) / 1000 };
        this.transcript.push(result);
        // What the CLI printed (not the command lines, which hold what the operator typed, secrets
        // included), kept beside the state so a later suite can search everything ever printed.
        fs.appendFileSync(path.join(this.root, 'transcript.log'), `${stdout}\n${stderr}\n`);
        resolve(result);
      });
    });
  }

  /** Like `run`, but throws with the command and its output unless it exits 0. */
  async must(command: string, opts: Parameters<PulumiOperator['run']>[1] = {}): Promise<CommandResult> {
    const res = await this.run(command, opts);
    if (res.code !== 0) throw new Error(`\`${command}\` exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
    return res;
  }

  /** `pulumi stack export` of a stack: the engine's state (resources, their dependencies, inputs, outputs). */
  async exportState(stack: EnvironmentName): Promise<StackState> {
    return JSON.parse((await this.must(`pulumi stack export --stack ${stack}`)).stdout) as StackState;
  }

  /** The state file of a stack in the file backend, as it sits on disk. */
  stateFile(stack: EnvironmentName): string {
    // The file backend keeps stacks per project (.pulumi/stacks/<project>/) or, in its legacy
    // layout, side by side (.pulumi/stacks/): whichever this backend uses.
    const candidates = [path.join(this.stateDir, '.pulumi', 'stacks', 'agentaskit-deploy', `${stack}.json`), path.join(this.stateDir, '.pulumi', 'stacks', `${stack}.json`)];
    const file = candidates.find((f) => fs.existsSync(f));
    if (file === undefined) throw new Error(`no state file ${candidates.join(' or ')} (was \`pulumi stack init ${stack}\` run against ${this.stateDir}?)`);
    return file;
  }

  /** Everything the CLI printed in this workspace, by every suite. */
  output(): string {
    const file = path.join(this.root, 'transcript.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** Removes the workspace (state, passphrase, checkout): the last suite's job. */
  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.rmSync(PulumiOperator.sharedFile, { force: true });
  }
}

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly custom?: boolean;
  readonly parent?: string;
  readonly dependencies?: string[];
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly initErrors?: string[];
}

export interface StackState {
  readonly deployment: { readonly resources?: StateResource[] };
}
