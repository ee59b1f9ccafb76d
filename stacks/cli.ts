/**
 * What the package's commands (`npm run synth`, `npm run wait-canary`) share: option parsing
 * whose errors say what is wrong, and the `cli(argv)` convention scripts/run.js calls.
 */

/** A wrong command line: printed with the command's usage. */
export class UsageError extends Error {
  constructor(message: string, public readonly usage: string) {
    super(`${message}\n${usage}`);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** May be given more than once (values collect in order). @default false */
  readonly multiple?: boolean;
  /** The values it accepts, named when it has none. */
  readonly values?: readonly string[];
  /** An example value, named when it has none (e.g. `<dir>`). */
  readonly example?: string;
}

export interface ParsedOptions {
  readonly options: Readonly<Record<string, readonly string[]>>;
  readonly positionals: readonly string[];
}

/**
 * Parses `--name value` and `--name=value` options (all take a value). A value may start with a
 * dash (`--timeout -3` is the value "-3", left for the command to judge), unless it is one of the
 * command's own options: then the option before it has no value.
 */
export function parseOptions(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>, usage: string, allowPositionals = false): ParsedOptions {
  const options: Record<string, string[]> = {};
  const positionals: string[] = [];
  const isOption = (arg: string | undefined) => arg !== undefined && arg.startsWith('--') && arg.slice(2).split('=')[0]! in spec;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (!allowPositionals) throw new UsageError(`unexpected argument "${arg}"`, usage);
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s) as [string, string | undefined];
    const option = spec[name];
    if (!option) throw new UsageError(`unknown option "--${name}"`, usage);
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || isOption(next)) {
        const expected = option.values ? `one of ${option.values.join(', ')}` : option.example ?? 'a value';
        throw new UsageError(`--${name} needs a value (${expected})`, usage);
      }
      value = next;
      i++;
    }
    if (options[name] && !option.multiple) throw new UsageError(`--${name} is given twice ("${options[name]![0]}" and "${value}"); give it once`, usage);
    (options[name] ??= []).push(value);
  }
  return { options, positionals };
}

/**
 * Runs a command's body and turns what it throws into a message on stderr and an exit code
 * (no stack trace: every expected failure has a message that says what to do).
 */
export function runCommand(prefix: string, body: () => number | void, failureCode = 1): number {
  try {
    return body() ?? 0;
  } catch (error) {
    process.stderr.write(`${prefix}${error instanceof Error ? error.message : String(error)}\n`);
    return failureCode;
  }
}
