import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { DiffOptions } from '../../../scripts/diff/main';

/** Fixed identity and dates make commits (and their shas) reproducible and independent of user git config. */
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** env → file name → objects; each file becomes a multi-document YAML file. */
export type Tree = Record<string, Record<string, object[]>>;

/**
 * A synth that just copies `manifests/` to its `--outdir` (default `dist/`, as the real synth), so
 * tests exercise the tool, not the real project.
 */
export const COPY_MANIFESTS_JS =
  "const i = process.argv.indexOf('--outdir');\nrequire('node:fs').cpSync('manifests', i === -1 ? 'dist' : process.argv[i + 1], { recursive: true });\n";
const SYNTH_JS = COPY_MANIFESTS_JS;
const FAILING_SYNTH_JS = "console.error('TypeError: cannot read properties of undefined (reading \\'replicas\\')');\nprocess.exit(1);\n";

/** Replaces the uncommitted manifests with `tree`. */
export function writeTree(repo: string, tree: Tree): void {
  fs.rmSync(path.join(repo, 'manifests'), { recursive: true, force: true });
  for (const [env, files] of Object.entries(tree)) {
    fs.mkdirSync(path.join(repo, 'manifests', env), { recursive: true });
    for (const [file, objects] of Object.entries(files)) {
      fs.writeFileSync(path.join(repo, 'manifests', env, file), objects.map((o) => stringify(o)).join('---\n'));
    }
  }
}

export function createRepo(tree: Tree): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-fixture-'));
  git(repo, 'init', '--quiet', '--initial-branch=main');
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'fixture', private: true, scripts: { synth: 'node synth.js' } }));
  fs.writeFileSync(path.join(repo, '.gitignore'), 'dist/\nnode_modules/\n');
  fs.writeFileSync(path.join(repo, 'synth.js'), SYNTH_JS);
  commit(repo, tree, 'base');
  return repo;
}

/** Replaces the manifests with `tree` and commits; returns the new commit's sha. */
export function commit(repo: string, tree: Tree, message: string): string {
  writeTree(repo, tree);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '--allow-empty', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

export function breakSynth(repo: string): void {
  fs.writeFileSync(path.join(repo, 'synth.js'), FAILING_SYNTH_JS);
}

export function restoreSynth(repo: string): void {
  fs.writeFileSync(path.join(repo, 'synth.js'), SYNTH_JS);
}

export function options(repo: string, overrides: Partial<DiffOptions> = {}): DiffOptions {
  return {
    repoDir: repo,
    format: 'md',
    synthCommand: 'npm run --silent synth --',
    reuseDeps: true,
    maxChars: 60_000,
    log: () => undefined,
    ...overrides,
  };
}
