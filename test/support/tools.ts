/**
 * Locating and running the Prometheus tool binaries that `npm run tools`
 * (scripts/install-tools.sh) extracts from Debian packages into `.tools/bin/`.
 *
 * Tests call these instead of hard-coding paths so that a missing install fails with an
 * actionable message rather than a bare ENOENT from child_process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../scripts/cluster/tools';

export type ToolName = 'promtool' | 'amtool' | 'prometheus' | 'alertmanager';

/** Debian package each tool comes from, named in the install hint. */
const PACKAGE_OF: Record<ToolName, string> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  alertmanager: 'prometheus-alertmanager',
};

export { repoRoot };

/** `.tools/` folder; AGENTASKIT_TOOLS_DIR overrides it (same variable as install-tools.sh). */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.AGENTASKIT_TOOLS_DIR ?? path.join(repoRoot(), '.tools'));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile(); // follows the .tools/bin symlinks
  } catch {
    return false;
  }
}

/**
 * Absolute path of `name`: `<toolsDir>/bin/<name>` first (the pinned Debian build), then $PATH
 * (e.g. a CI image with the tools preinstalled). `env` is injectable so tests can simulate a
 * machine without the tools.
 * @throws Error with the install hint when the tool is nowhere to be found.
 */
export function toolPath(name: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  const local = path.join(toolsDir(env), 'bin', name);
  if (isExecutable(local)) return local;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(
    `${name} not found: run \`npm run tools\` (installs Debian's ${PACKAGE_OF[name]} package binaries into .tools/)` +
      ` [looked in ${path.dirname(local)} and $PATH]`,
  );
}

export interface RunOptions {
  /** Written to the tool's stdin (e.g. a rules file for `promtool check rules -`). */
  input?: string;
  cwd?: string;
  /** Kill the tool after this long; default 60 s so a hung tool fails the test, not the CI job. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit status; -1 when the tool was killed by a signal (see `signal`). */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool synchronously and captures its output. Never throws for a non-zero exit. */
export function run(tool: ToolName, args: readonly string[], opts: RunOptions = {}): RunResult {
  const res = spawnSync(toolPath(tool), args, {
    input: opts.input,
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error && res.status === null && res.signal === null) throw res.error; // spawn itself failed
  return { code: res.status ?? -1, signal: res.signal, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** PyYAML's folder in the Debian package `npm run tools` extracts (install-tools.sh: `pylib`). */
export function pyyamlDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolsDir(env), 'deb', 'usr', 'lib', 'python3', 'dist-packages');
}

/**
 * Loads each text with PyYAML's `safe_load_all` (a YAML 1.1 reader, as Ansible and checkov use)
 * and returns the documents as JSON data. Throws with PyYAML's message naming the text's label.
 */
export function loadWithPyYaml(texts: ReadonlyMap<string, string>): Map<string, unknown[]> {
  if (!fs.existsSync(path.join(pyyamlDir(), 'yaml', '__init__.py'))) {
    throw new Error(`PyYAML not found in ${pyyamlDir()}: run \`npm run tools\` (extracts Debian's python3-yaml package into .tools/)`);
  }
  const script = [
    'import json, sys, yaml',
    'out = {}',
    'for label, text in json.load(sys.stdin).items():',
    '    try: out[label] = list(yaml.safe_load_all(text))',
    '    except yaml.YAMLError as e: out[label] = {"error": str(e)}',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const res = spawnSync('python3', ['-c', script], {
    input: JSON.stringify(Object.fromEntries(texts)),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: pyyamlDir() },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`python3 with PyYAML failed (${res.error?.message ?? res.stderr.trim()})`);
  const loaded = JSON.parse(res.stdout) as Record<string, unknown[] | { error: string }>;
  return new Map(Object.entries(loaded).map(([label, docs]) => {
    if (!Array.isArray(docs)) throw new Error(`PyYAML cannot read ${label}: ${docs.error}`);
    return [label, docs];
  }));
}
