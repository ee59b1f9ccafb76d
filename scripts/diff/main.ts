import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DiffError } from './errors';
import { buildReport } from './report';
import { renderJson } from './render-json';
import { DEFAULT_MAX_CHARS, renderMarkdown } from './render-markdown';
import { headRevision, mergeBaseWithMain, resolveRef, synthesizeRevision, synthesizeWorkingTree, type SynthOptions } from './revision';

export interface DiffOptions extends SynthOptions {
  repoDir: string;
  /** Git ref to compare against; undefined means the merge base with main. */
  base?: string;
  format: 'md' | 'json';
  /** Write the report here instead of returning it for stdout. */
  out?: string;
  maxChars: number;
}

export const USAGE = `Usage: npm run diff -- [--base <git-ref>] [--format md|json] [--out <file>]
                     [--synth-cmd <command>] [--reuse-deps] [--max-chars <n>]

Synthesizes <git-ref> (default: the merge base with main) in a temporary git worktree
and the working tree, each into a temporary directory (your dist/ is left alone), and
prints a Markdown (or JSON) report of manifest changes.
  --synth-cmd    run with " --outdir <dir>" appended; must write <dir>/<env>/*.yaml
                 (default: npm run --silent synth --)
  --reuse-deps   symlink node_modules into the base worktree when package-lock.json is
                 identical instead of running npm ci (also: MANIFEST_DIFF_REUSE_DEPS=1)`;

/** Turns CLI arguments into options; throws DiffError (with usage) on anything unexpected. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): DiffOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        base: { type: 'string' },
        format: { type: 'string', default: 'md' },
        out: { type: 'string' },
        'synth-cmd': { type: 'string', default: 'npm run --silent synth --' },
        'reuse-deps': { type: 'boolean', default: env.MANIFEST_DIFF_REUSE_DEPS === '1' },
        'max-chars': { type: 'string', default: String(DEFAULT_MAX_CHARS) },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new DiffError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';
  const format = values.format;
  if (format !== 'md' && format !== 'json') throw new DiffError(`--format must be 'md' or 'json', got '${format}'`);
  const maxChars = Number(values['max-chars']);
  if (!Number.isInteger(maxChars) || maxChars < 1000) throw new DiffError(`--max-chars must be an integer ≥ 1000, got '${values['max-chars']}'`);
  return {
    repoDir: cwd,
    base: values.base,
    format,
    out: values.out,
    synthCommand: values['synth-cmd'],
    reuseDeps: values['reuse-deps'],
    maxChars,
    log: () => undefined,
  };
}

/** Synthesizes both sides and renders the report. Pure in its output: same revisions, same text. */
export function runDiff(options: DiffOptions): string {
  const base = options.base === undefined ? mergeBaseWithMain(options.repoDir) : resolveRef(options.repoDir, options.base);
  // Base first: a bad base fails fast, before the (slower) working-tree build.
  const baseManifests = synthesizeRevision(options.repoDir, base, options);
  const headManifests = synthesizeWorkingTree(options.repoDir, options);
  const report = buildReport(base, headRevision(options.repoDir), baseManifests, headManifests);
  return options.format === 'json' ? renderJson(report) : renderMarkdown(report, options.maxChars);
}

/** CLI entry: exit code 0 on success, 2 on a usage/input problem, 1 on an unexpected crash. */
export function main(argv: string[]): number {
  try {
    const options = parseOptions(argv);
    if (options === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const text = runDiff({ ...options, log: (message) => process.stderr.write(`${message}\n`) });
    if (options.out) fs.writeFileSync(options.out, text);
    else process.stdout.write(text);
    return 0;
  } catch (error) {
    if (error instanceof DiffError) {
      process.stderr.write(`manifest diff: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** The entry scripts/run.js calls (`npm run diff`). */
export const cli = main;

if (require.main === module) process.exitCode = main(process.argv.slice(2));
