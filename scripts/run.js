#!/usr/bin/env node
/**
 * Runs a TypeScript command-line entry point without the tsc build:
 *
 *   node scripts/run.js <entry.ts> [arguments...]        (npm run synth, wait-canary, diff, alerts)
 *
 * The entry is bundled with esbuild (transpile only, a few milliseconds) into
 * build/run/<entry>.js together with the list of its source files, and reused while none of
 * them changed (size and modification time). The bundle runs in this process: the entry exports
 * `cli(argv): number` (its exit code).
 *
 * Why not `tsc && node build/...`: tsc type-checks the whole program, ~4 s even incrementally,
 * which every `npm run synth` paid. Type errors are still caught by `npm test` (and CI) and
 * `npm run typecheck`; a bad config value is caught at run time by the config's own validation.
 *
 * Plain JavaScript because it is what runs before anything is compiled.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/**
 * Packages loaded from node_modules, not bundled: cdk8s and its jsii siblings (they locate files
 * next to their own modules, and there must be one copy of each for their type checks). Everything
 * else is bundled: one file loads faster than the ~250 small modules of the Grafana SDK.
 */
const EXTERNAL = ['cdk8s', 'cdk8s-plus-28', 'constructs'];

/** Where the bundle of `entry` (relative to the root, `stacks/main.ts`) and its input list live. */
function bundlePaths(entry) {
  const base = path.join(root, 'build', 'run', entry.replace(/\.ts$/, ''));
  return { bundle: `${base}.js`, inputs: `${base}.inputs.json` };
}

function fingerprint(file) {
  const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeMs}` : 'missing';
}

/** Whether the bundle exists and was built from exactly the files as they are now. */
function isFresh(paths) {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(paths.inputs, 'utf8'));
  } catch {
    return false;
  }
  return fs.existsSync(paths.bundle) && Object.entries(recorded).every(([file, print]) => fingerprint(file) === print);
}

function loadEsbuild() {
  try {
    return require('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm ci` first (it installs the build tools with the dependencies).');
  }
}

function build(entry, paths) {
  const esbuild = loadEsbuild();
  const temp = `${paths.bundle}.${process.pid}.tmp`;
  let result;
  try {
    result = esbuild.buildSync({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile: temp,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: EXTERNAL,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (error) {
    // esbuild's own text names the file, line and column of a syntax error.
    const messages = esbuild.formatMessagesSync(error.errors ?? [], { kind: 'error', color: false });
    throw new Error(`cannot compile ${entry}:\n${messages.join('').trimEnd()}`);
  }
  // The package manifest and the tsconfig change how sources compile and resolve, too.
  const inputs = [...Object.keys(result.metafile.inputs), 'package.json', 'tsconfig.json', path.relative(root, __filename)];
  fs.writeFileSync(`${paths.inputs}.${process.pid}.tmp`, JSON.stringify(Object.fromEntries(inputs.map((f) => [f, fingerprint(f)]))));
  // Renames, so a concurrent run never loads a half-written bundle.
  fs.renameSync(temp, paths.bundle);
  fs.renameSync(`${paths.inputs}.${process.pid}.tmp`, paths.inputs);
}

/** The entry's `cli` function, from a fresh bundle. */
function load(entry) {
  if (!entry || !entry.endsWith('.ts') || !fs.existsSync(path.join(root, entry))) {
    throw new Error(`usage: node scripts/run.js <entry.ts> [arguments...] (got ${entry === undefined ? 'no entry' : `"${entry}"`})`);
  }
  const paths = bundlePaths(entry);
  if (!isFresh(paths)) {
    fs.mkdirSync(path.dirname(paths.bundle), { recursive: true });
    build(entry, paths);
  }
  const { cli } = require(paths.bundle);
  if (typeof cli !== 'function') throw new Error(`${entry} exports no cli(argv) function to run`);
  return cli;
}

if (require.main === module) {
  const [entry, ...argv] = process.argv.slice(2);
  let cli;
  try {
    cli = load(entry);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.exitCode = cli(argv);
}

module.exports = { bundlePaths, isFresh };
