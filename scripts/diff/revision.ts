import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiffError } from './errors';
import { loadManifests, type Manifests } from './load-manifests';
import { describeRevision, type CommitRevision, type RevisionInfo } from './report';

export interface SynthOptions {
  /**
   * Shell command run in the revision's root with ` --outdir <dir>` appended; it must write
   * `<dir>/<env>/*.yaml`. The tool passes a fresh temporary directory, so the repository's own
   * `dist/` is never written.
   */
  synthCommand: string;
  /**
   * Symlink the current node_modules into the base worktree instead of `npm ci`
   * when package-lock.json is byte-identical (same lockfile ⇒ same dependency tree).
   */
  reuseDeps: boolean;
  /** Progress messages (the CLI sends them to stderr so stdout stays the report). */
  log: (message: string) => void;
}

/** Lines of a failed command's output quoted in the error: enough for a stack trace, not a wall of text. */
const ERROR_TAIL_LINES = 20;

function git(repoDir: string, args: string[]): string {
  return execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function tryGit(repoDir: string, args: string[]): string | undefined {
  try {
    return git(repoDir, args);
  } catch {
    return undefined;
  }
}

export function resolveRef(repoDir: string, ref: string): CommitRevision {
  // A leading dash would be parsed as an option by git, not as a ref.
  const sha = ref.startsWith('-') ? undefined : tryGit(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!sha) throw new DiffError(`git ref '${ref}' not found — pass --base <existing ref>`);
  return { label: ref, sha };
}

/** The default base: where the current branch forked from main (local, else the remote-tracking branch). */
export function mergeBaseWithMain(repoDir: string): CommitRevision {
  for (const candidate of ['main', 'origin/main']) {
    const sha = tryGit(repoDir, ['merge-base', 'HEAD', candidate]);
    if (sha) return { label: `merge-base with ${candidate}`, sha };
  }
  throw new DiffError("cannot find the merge base with 'main' (no 'main' or 'origin/main' branch shares history with HEAD) — pass --base <ref>");
}

export function headRevision(repoDir: string): RevisionInfo {
  const sha = tryGit(repoDir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  // Untracked files count: a new environment file changes the synthesis before it is committed.
  const dirty = (tryGit(repoDir, ['status', '--porcelain', '--untracked-files=normal']) ?? '') !== '';
  return { label: 'working tree', ...(sha ? { sha } : {}), ...(dirty ? { dirty } : {}) };
}

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-ERROR_TAIL_LINES).join('\n');
}

function run(command: string, cwd: string, what: string): void {
  const result = spawnSync(command, { cwd, shell: true, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status === 0) return;
  const output = tail(result.stderr || result.stdout || '') || `(no output; ${result.error?.message ?? `signal ${result.signal}`})`;
  throw new DiffError(`${what} failed: \`${command}\` exited with ${result.status ?? result.signal}. Last lines of its output:\n${output}`);
}

/** A path as one single-quoted shell word. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs synth in `root` into a fresh temporary outdir, loads what it wrote and removes it. A new
 * directory means files of an earlier run (e.g. a since-deleted environment) cannot leak in, and
 * the revision's own `dist/` (the user's, for the working tree) is left as it was.
 */
function synthesizeIn(root: string, options: SynthOptions, what: string): Manifests {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-diff-out-'));
  try {
    run(`${options.synthCommand} --outdir ${shellQuote(outdir)}`, root, `synthesizing ${what}`);
    return loadManifests(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function synthesizeWorkingTree(repoDir: string, options: SynthOptions): Manifests {
  options.log(`manifest diff: synthesizing the working tree in ${repoDir}`);
  return synthesizeIn(repoDir, options, 'the working tree');
}

function readIfExists(file: string): Buffer | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
}

function installDependencies(repoDir: string, worktree: string, options: SynthOptions): void {
  if (options.reuseDeps) {
    const ours = readIfExists(path.join(repoDir, 'package-lock.json'));
    const theirs = readIfExists(path.join(worktree, 'package-lock.json'));
    const sameLock = ours === undefined || theirs === undefined ? ours === theirs : ours.equals(theirs);
    if (sameLock) {
      const modules = path.join(repoDir, 'node_modules');
      if (fs.existsSync(modules)) fs.symlinkSync(fs.realpathSync(modules), path.join(worktree, 'node_modules'), 'dir');
      return;
    }
    options.log('manifest diff: package-lock.json differs at the base revision; installing its own dependencies');
  }
  // npm ci's own complaint about a missing lockfile is buried above its usage text; say it plainly.
  if (!fs.existsSync(path.join(worktree, 'package-lock.json'))) {
    throw new DiffError('the base revision has no package-lock.json, so `npm ci` cannot install its dependencies — pass --reuse-deps to use the current node_modules');
  }
  run('npm ci --prefer-offline --no-audit --no-fund', worktree, "installing the base revision's dependencies");
}

/** Checks the revision out into a temporary git worktree, installs its dependencies, synthesizes, and always cleans up. */
export function synthesizeRevision(repoDir: string, revision: CommitRevision, options: SynthOptions): Manifests {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-diff-'));
  const worktree = path.join(tmp, 'base');
  options.log(`manifest diff: synthesizing ${describeRevision(revision)} in ${worktree}`);
  try {
    git(repoDir, ['worktree', 'add', '--detach', '--quiet', worktree, revision.sha]);
    installDependencies(repoDir, worktree, options);
    return synthesizeIn(worktree, options, `the base revision ${describeRevision(revision)}`);
  } finally {
    // rmSync does not follow the node_modules symlink, so the shared install is untouched.
    fs.rmSync(tmp, { recursive: true, force: true });
    tryGit(repoDir, ['worktree', 'prune']);
  }
}
