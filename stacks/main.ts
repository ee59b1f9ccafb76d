/**
 * `npm run synth` (and `cdk8s synth`): validate every environment, synthesize it, and write
 * dist/<env>/. Nothing is written unless every environment is valid and synthesizes.
 *
 *   node build/stacks/main.js [--outdir dist] [--env production ...]
 */
import * as path from 'node:path';
import { EnvironmentConfig, ENVIRONMENTS } from './config';
import { loadEnvironment } from './environments';
import { renderEnvironment, synthesizeEnvironment, writeEnvironments } from './synth';

interface Options {
  readonly outdir: string;
  readonly environments: readonly string[];
}

function parseArgs(argv: readonly string[]): Options {
  let outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const environments: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === '--outdir' || arg === '--env') && value !== undefined) {
      if (arg === '--outdir') outdir = value;
      else environments.push(value);
      i++;
    } else {
      throw new Error(`Unknown argument "${arg}". Usage: synth [--outdir <dir>] [--env <${ENVIRONMENTS.join('|')}>]...`);
    }
  }
  return { outdir, environments: environments.length > 0 ? environments : ENVIRONMENTS };
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
  const rendered = new Map<string, Map<string, string>>();
  const lines: string[] = [];
  for (const config of configs) {
    const env = synthesizeEnvironment(config);
    rendered.set(config.environment, renderEnvironment(env));
    lines.push(summarize(config.environment, env.objects));
  }
  writeEnvironments(options.outdir, rendered);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(lines.join('\n'));
  console.log(`wrote ${[...rendered.keys()].map((e) => path.join(options.outdir, e)).join(', ')} in ${ms.toFixed(0)} ms`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
