/**
 * The commands of docs/pulumi.md as an operator copies them: the lines of its ```sh blocks, read
 * by section, so the live suites run what the doc says and a doc change that breaks a command
 * breaks the suite. Placeholders (`<…>`) are filled by the caller; the stack name the doc uses as
 * its example (`--stack production`, `pulumi stack init dev`) is replaced by the stack under test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../scripts/cluster/tools';
import { ENVIRONMENTS, EnvironmentName } from '../../stacks/config';

export const PULUMI_DOC = path.join(repoRoot(), 'docs', 'pulumi.md');

/** The text of the section under `heading` (a `##`/`###` title), up to the next heading of its level or above. */
export function docSection(heading: string, doc = fs.readFileSync(PULUMI_DOC, 'utf8')): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => /^#{2,4} /.test(l) && l.replace(/^#+ /, '') === heading);
  if (start === -1) throw new Error(`docs/pulumi.md has no section "${heading}"`);
  const level = lines[start]!.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#{2,4} /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The command lines of a section's ```sh blocks: comments dropped, continuation lines joined. */
export function docCommands(heading: string): string[] {
  const section = docSection(heading);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
    block!
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      // A comment starts at a `#` that begins the line or follows two spaces, as the doc aligns
      // them (a single-spaced `#` is text: `<Slack incoming-webhook URL for #orchestration-alerts>`).
      .map((l) => l.replace(/(^\s*|\s{2,})#.*$/, '').trim())
      .filter((l) => l !== ''),
  );
}

/** The one command of a section that matches `pattern`; throws when the doc has none or several. */
export function docCommand(heading: string, pattern: RegExp): string {
  const found = docCommands(heading).filter((c) => pattern.test(c));
  if (found.length !== 1) throw new Error(`docs/pulumi.md, "${heading}": expected one command matching ${pattern}, found ${found.length}:\n${found.join('\n')}`);
  return found[0]!;
}

/** Every command of a section that matches `pattern` (at least one). */
export function docCommandsMatching(heading: string, pattern: RegExp): string[] {
  const found = docCommands(heading).filter((c) => pattern.test(c));
  if (found.length === 0) throw new Error(`docs/pulumi.md, "${heading}": no command matches ${pattern}`);
  return found;
}

const STACK_NAME = new RegExp(`(--stack |pulumi stack (?:init|select) )(?:${ENVIRONMENTS.join('|')}|<env>)(?=[\\s")]|$)`, 'g');

/**
 * `command` for stack `env`: the doc's example stack name replaced, every `<placeholder>` filled
 * from `values` (already shell-quoted where needed). An unfilled placeholder is an error.
 */
export function forStack(command: string, env: EnvironmentName, values: Readonly<Record<string, string>> = {}): string {
  const filled = command.replace(STACK_NAME, `$1${env}`).replace(/<([^<>]+)>/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`docs/pulumi.md command \`${command}\`: no value for placeholder ${whole}`);
    return value;
  });
  return filled;
}
