/**
 * Where the live-cluster binaries are: `scripts/cluster/build-tools.sh` builds them from the Go
 * module proxy into `<AGENTASKIT_TOOLS_DIR or .tools>/go/bin`. A missing one is an error that says
 * which build command brings it; one still being built (scripts/cluster/test-cluster.sh builds the
 * suites' tools in the background) is waited for with {@link awaitTools}.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root: the nearest ancestor holding package.json (works from scripts/ and build/). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Which tools/<wrapper> builds each binary. */
export const BINARY_SOURCE = {
  'kube-apiserver': 'kubernetes',
  'kube-controller-manager': 'kubernetes',
  'kube-scheduler': 'kubernetes',
  kubectl: 'kubernetes',
  etcd: 'etcd',
  kwok: 'kwok',
  flagger: 'flagger',
  loadtester: 'flagger',
  'kube-state-metrics': 'kube-state-metrics',
  'prometheus-operator': 'prometheus-operator',
  // The Pulumi suites (test/cluster/10-pulumi-*): the CLI, its Node.js language host and the
  // Kubernetes provider plugin, all found on PATH from this folder (docs/live-cluster.md).
  pulumi: 'pulumi',
  'pulumi-language-nodejs': 'pulumi',
  'pulumi-resource-kubernetes': 'pulumi-kubernetes',
  // The provider's own evaluation of a pulumi.com/waitFor annotation (pulumi/rollout-complete.ts).
  'waitfor-check': 'pulumi-kubernetes',
} as const;
export type Binary = keyof typeof BINARY_SOURCE;
/** A wrapper under tools/: what `npm run cluster:tools -- <wrapper>` builds. */
export type ToolWrapper = (typeof BINARY_SOURCE)[Binary];

export function goToolsBin(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.resolve(env.AGENTASKIT_TOOLS_DIR ?? path.join(repoRoot(), '.tools')), 'go', 'bin');
}

/** Absolute path of a built binary; throws with the build command when it is missing. */
export function binary(name: Binary, env: NodeJS.ProcessEnv = process.env): string {
  const file = path.join(goToolsBin(env), name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    throw new Error(
      `${name} not found in ${path.dirname(file)}: build it with \`npm run cluster:tools -- ${BINARY_SOURCE[name]}\`` +
        ' (Go >= 1.26 and the Go module proxy; first build several minutes on 2 cores, then cached; times in docs/live-cluster.md).',
    );
  }
}

/** The build-tools.sh process whose PID a `<wrapper>.building` marker holds, if it still runs. */
function liveBuilder(marker: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(marker, 'utf8').trim());
    // A marker left by a killed build (or a reused PID) is not a build in progress.
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('build-tools') ? pid : undefined;
  } catch {
    return undefined; // no marker, or no such process
  }
}

const tail = (file: string, lines: number) => {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

/**
 * Resolves once every binary of the wrappers is built, waiting while build-tools.sh is still
 * building (or has queued) one of them; resolves with the seconds waited. Throws at once with the
 * build's error when it failed, with binary()'s message when nothing builds a missing one, and
 * after `timeoutMs` of waiting.
 */
export async function awaitTools(
  wrappers: readonly ToolWrapper[],
  opts: { readonly timeoutMs: number; readonly onWait?: (wrapper: ToolWrapper, pid: number) => void; readonly env?: NodeJS.ProcessEnv },
): Promise<number> {
  const env = opts.env ?? process.env;
  const dir = path.dirname(goToolsBin(env));
  const start = Date.now();
  for (const w of wrappers) {
    const bins = (Object.keys(BINARY_SOURCE) as Binary[]).filter((b) => BINARY_SOURCE[b] === w);
    for (let announced = false; ; announced = true) {
      const failed = tail(path.join(dir, `${w}.failed`), 1);
      if (failed) {
        const log = /; log: (\S+)$/.exec(failed)?.[1];
        throw new Error(`${failed}\n${log ? `${tail(log, 40)}\n` : ''}Rebuild it with \`npm run cluster:tools -- ${w}\` to see the error.`);
      }
      const pid = liveBuilder(path.join(dir, `${w}.building`));
      if (pid === undefined) {
        for (const b of bins) binary(b, env);
        break;
      }
      if (Date.now() - start > opts.timeoutMs) {
        throw new Error(`${w} is still being built by build-tools.sh (pid ${pid}) after ${Math.round(opts.timeoutMs / 60_000)} min of waiting; see ${path.join(dir, 'suite-tools.log')}`);
      }
      if (!announced) opts.onWait?.(w, pid);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  return (Date.now() - start) / 1000;
}

/** VERSION= of tools/<wrapper>/tool.env: the one place each tool's release is pinned. */
export function toolVersion(wrapper: string): string {
  const file = path.join(repoRoot(), 'tools', wrapper, 'tool.env');
  const m = /^VERSION=(\S+)$/m.exec(fs.readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no VERSION= line`);
  return m[1];
}

/**
 * The directory of `module@version` in the Go module cache, resolved inside tools/<wrapper> (whose
 * go.mod requires exactly that version), so that go.sum verifies it and nothing is fetched: the
 * suites run where only loopback exists, and outside a module `go mod download` would ask the
 * checksum database. scripts/cluster/build-tools.sh downloads every module the suites read.
 */
export function goModuleDir(module: string, version: string, wrapper: string): string {
  const res = spawnSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: path.join(repoRoot(), 'tools', wrapper),
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local', GOPROXY: 'off' },
  });
  if (res.error) throw new Error(`go not found (needed to locate ${module}@${version} in the module cache): install Go >= 1.26`);
  const info = JSON.parse(res.stdout || '{}') as { Dir?: string; Error?: string };
  if (res.status !== 0 || !info.Dir) {
    throw new Error(`${module}@${version} is not in the Go module cache (${info.Error ?? res.stderr.trim()}): run \`npm run cluster:tools\`, which downloads it`);
  }
  return info.Dir;
}
