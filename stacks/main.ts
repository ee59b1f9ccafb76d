/**
 * `npm run synth` (and `cdk8s synth`): validate every environment, synthesize it, and write
 * dist/<env>/. Nothing is written unless every environment is valid and synthesizes.
 *
 *   node scripts/run.js stacks/main.ts [--outdir dist] [--env production ...]
 */
import * as path from 'node:path';
import { parseOptions, runCommand } from './cli';
import { EnvironmentConfig, ENVIRONMENTS } from './config';
import { loadEnvironment } from './environments';
import { renderOutput, synthesizeEnvironment, writeEnvironments } from './synth';

interface Options {
  readonly outdir: string;
  readonly environments: readonly string[];
}

const USAGE = `Usage: npm run synth -- [--outdir <dir>] [--env <${ENVIRONMENTS.join('|')}>]...`;

function parseArgs(argv: readonly string[]): Options {
  const { options } = parseOptions(argv, { outdir: { example: '<dir>' }, env: { multiple: true, values: ENVIRONMENTS } }, USAGE);
  return {
    outdir: options.outdir?.[0] ?? process.env.CDK8S_OUTDIR ?? 'dist',
    environments: options.env ?? ENVIRONMENTS,
  };
}

function summarize(environment: string, objects: readonly { kind: string }[]): string {
  const kinds = new Map<string, number>();
  for (const o of objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
  return `${environment.padEnd(10)} ${String(objects.length).padStart(3)} objects: ${byKind}`;
}

export function main(argv: readonly string[]): void {
  const started = process.hrtime.bigint();
  const options = parseArgs(argv);
  // Validate everything before synthesizing anything.
  const configs: EnvironmentConfig[] = options.environments.map((name) => loadEnvironment(name));
  const environments = configs.map(synthesizeEnvironment);
  const rendered = renderOutput(environments);
  const replaced = new Set(writeEnvironments(options.outdir, rendered));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(environments.map((env) => summarize(env.config.environment, env.objects)).join('\n'));
  const folders = (written: boolean) => [...rendered.keys()].filter((f) => replaced.has(f) === written).map((f) => path.join(options.outdir, f));
  const unchanged = folders(false);
  console.log(`wrote ${folders(true).join(', ') || 'nothing'}${unchanged.length > 0 ? ` (unchanged: ${unchanged.join(', ')})` : ''} in ${ms.toFixed(0)} ms`);
}

/** The command: its errors (config, usage) on stderr, exit code 1. */
export function cli(argv: readonly string[]): number {
  return runCommand('', () => main(argv));
}

if (require.main === module) process.exitCode = cli(process.argv.slice(2));
