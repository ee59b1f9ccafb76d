/**
 * The one error format of this package, for an environment's config, a construct's props and
 * every other value it checks: what is invalid, then each bad field with its value and its fix.
 *
 *   Invalid configuration for environment "staging":
 *     - agentManager.replicas = 0: use a whole number of at least 1.
 *   Invalid props of AgentWorkerPool "dev/AgentWorkers":
 *     - maxDisruptionPercent = 5: use a value above 0 and below the runbook's 5% unhealthy-agents threshold, so drains never page.
 *
 * One format, so a reader (and a test) finds the field, the value and the fix in the same place
 * whichever layer caught the value. A construct's subject names its path in the tree, whose root
 * is the environment's chart; stacks/synth.ts adds the environment by name.
 */
import type { Construct } from 'constructs';

/** One bad value: where it is (a field path), what it is, and how to fix it (a sentence without its final period). */
export interface Problem {
  readonly path: string;
  readonly value: unknown;
  readonly fix: string;
}

/** Every problem of one subject (an environment's config, a construct's props, ...), each with its fix. */
export class InvalidError extends Error {
  constructor(
    /** What is invalid, e.g. `Invalid configuration for environment "staging"`. */
    public readonly subject: string,
    public readonly problems: readonly Problem[],
  ) {
    super(`${subject}:\n` + problems.map((p) => `  - ${p.path} = ${JSON.stringify(p.value)}: ${p.fix}.`).join('\n'));
    this.name = 'InvalidError';
  }
}

/** Throws an {@link InvalidError} for one bad value of `subject`. */
export function invalid(subject: string, path: string, value: unknown, fix: string): never {
  throw new InvalidError(subject, [{ path, value, fix }]);
}

/** The subject of a construct's bad props: its class and its path in the tree (whose root is the environment's chart). */
export function propsSubject(scope: Construct): string {
  return `Invalid props of ${scope.constructor.name} "${scope.node.path}"`;
}

/** Throws an {@link InvalidError} for one bad prop of the construct `scope`. */
export function invalidProp(scope: Construct, path: string, value: unknown, fix: string): never {
  return invalid(propsSubject(scope), path, value, fix);
}
