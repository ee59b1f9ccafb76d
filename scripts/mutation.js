#!/usr/bin/env node
/**
 * Mutation testing of the modules that judge input (`npm run test:mutation`, not part of
 * `npm test`): StrykerJS changes each check (a `<=` into `<`, an anchor dropped from a regex, `&&`
 * into `||`, ...) and runs the module's unit tests; a change no test notices "survives".
 *
 *   node scripts/mutation.js [--force] [<module> ...]      (default: every module below)
 *
 * Each module runs on its own, against the tests that pin it: every mutant reloads each test file
 * of the jest config (resource-plan.test.ts, which synthesizes every environment as it loads,
 * would add half a minute to each), and a mutant executed as a file loads (a regex constant, a
 * schema object) runs every test; a short list per module keeps a run within minutes on two
 * cores. Shared settings (jest runner, per-test coverage, concurrency 2) are in
 * stryker.config.json. Runs are incremental: a module's
 * results are kept in .stryker-tmp/incremental/ and a rerun tests only mutants whose code or
 * tests changed; `--force` tests every mutant again (use it for the final figures). HTML
 * reports go to reports/mutation/.
 *
 * Prints a score table per module and every surviving mutant. Stryker sets exit code 1 when a
 * module scores below stryker.config.json's `thresholds.break`.
 *
 * Plain JavaScript, like scripts/run.js: Stryker compiles the TypeScript through ts-jest.
 */
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Module (a file, or `file:lines` for the checks of a larger file) → the tests that pin it. */
const MODULES = {
  'stacks/config/check.ts': ['test/stacks/config/check.test.ts'],
  'stacks/config/resolve.ts': ['test/stacks/config.test.ts'],
  'stacks/config/cross-field.ts': ['test/stacks/config.test.ts'],
  'stacks/environments/index.ts': ['test/stacks/config.test.ts'],
  'stacks/cli.ts': ['test/stacks/cli.test.ts'],
  'lib/workloads/image.ts': ['test/lib/workloads/image.test.ts'],
  'lib/workloads/names.ts': ['test/lib/workloads/names.test.ts'],
  'lib/workloads/rollout.ts': ['test/lib/workloads/rollout.test.ts'],
  'lib/delivery/rollback-budget.ts': ['test/lib/delivery/rollback-budget.test.ts'],
  // metricWindowProblem only: the rest of the file is PromQL, tested on a real Prometheus.
  'lib/delivery/metric-templates.ts:36-44': ['test/lib/delivery/metric-templates.test.ts'],
  'pulumi/references.ts': ['test/pulumi/references.test.ts'],
  // Without pulumiConfigSource, which only a running Pulumi program has.
  'pulumi/stack-config.ts:1-183': ['test/pulumi/stack-config.test.ts'],
  'pulumi/provider-version.ts': ['test/pulumi/provider-version.test.ts'],
  'scripts/diff/object-diff.ts': ['test/scripts/diff/object-diff.test.ts'],
  'scripts/diff/load-manifests.ts': ['test/scripts/diff/load-manifests.test.ts'],
  // parseOptions only: runDiff and main synthesize two revisions (test/scripts/diff/diff-e2e.test.ts).
  'scripts/diff/main.ts:30-66': ['test/scripts/diff/main.test.ts'],
  // From judge to readSnapshot: main only wires them to the real kubectl, clock and sleep.
  'scripts/wait-canary.ts:55-224': ['test/scripts/wait-canary.test.ts'],
};

const USAGE = `Usage: npm run test:mutation -- [--force] [<module> ...]\n  <module>: ${Object.keys(MODULES).join(', ')}`;

function parseArgs(argv) {
  const force = argv.includes('--force');
  const names = argv.filter((a) => a !== '--force');
  const unknown = names.find((n) => !(n in MODULES) && !Object.keys(MODULES).some((m) => m.split(':')[0] === n));
  if (unknown !== undefined) throw new Error(`${unknown.startsWith('-') ? 'unknown option' : 'not a module of the mutation run'}: "${unknown}"\n${USAGE}`);
  const modules = names.length === 0 ? Object.keys(MODULES) : Object.keys(MODULES).filter((m) => names.includes(m) || names.includes(m.split(':')[0]));
  return { force, modules };
}

/** `stacks/config/check.ts` → `stacks-config-check` (file names of the incremental results and reports). */
const slug = (module) => module.split(':')[0].replace(/\.ts$/, '').replace(/[/.]/g, '-');

/** Stryker's score: detected (killed, timed out) over valid mutants (all but ignored and compile errors). */
function tally(results) {
  const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length;
  const detected = count('Killed', 'Timeout');
  const valid = detected + count('Survived', 'NoCoverage');
  return { killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage'), score: valid === 0 ? 100 : (100 * detected) / valid };
}

async function main(argv) {
  const { force, modules } = parseArgs(argv);
  const { Stryker } = await import('@stryker-mutator/core');
  const rows = [];
  for (const module of modules) {
    const tests = MODULES[module];
    const results = await new Stryker({
      configFile: path.join(root, 'stryker.config.json'),
      mutate: [module],
      force,
      incrementalFile: `.stryker-tmp/incremental/${slug(module)}.json`,
      htmlReporter: { fileName: `reports/mutation/${slug(module)}.html` },
      jest: { projectType: 'custom', enableFindRelatedTests: false, config: { testMatch: tests.map((t) => `<rootDir>/${t}`) } },
    }).runMutationTest();
    // Only the module's lines: an incremental report may still hold mutants from outside its range.
    const [from, to] = (module.split(':')[1] ?? '1-Infinity').split('-').map(Number);
    const own = results.filter((r) => r.location.start.line >= from && r.location.start.line <= to);
    rows.push({ module, ...tally(own), survivors: own.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage') });
  }
  const line = (cells) => `| ${cells.join(' | ')} |`;
  console.log(`\n${line(['module', 'score', 'killed', 'timeout', 'survived', 'no coverage'])}\n${line(['---', '---:', '---:', '---:', '---:', '---:'])}`);
  for (const r of rows) console.log(line([r.module, `${r.score.toFixed(1)} %`, r.killed, r.timeout, r.survived, r.noCoverage]));
  for (const r of rows) {
    for (const s of r.survivors) {
      console.log(`${s.status === 'Survived' ? 'survived' : 'not covered'}: ${path.relative(root, s.fileName)}:${s.location.start.line} ${s.mutatorName} → ${JSON.stringify(s.replacement ?? '')}`);
    }
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`test:mutation: ${error.message}`);
  process.exitCode = 2;
});
