/**
 * The shell commands of docs/runbooks/WF-001.md, as an operator would type them: every `kubectl`
 * and `curl` invocation of its bash blocks. Read by the static runbook test (against the
 * synthesized objects) and the live one (against the live cluster).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RUNBOOK = path.join(__dirname, '..', '..', 'docs', 'runbooks', 'WF-001.md');

/** Shell words of a command line (quotes removed), enough for the runbook's commands. */
export function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** Every `kubectl …` and `curl …` invocation in the runbook's bash blocks. */
export function runbookCommands(): { text: string; argv: string[] }[] {
  const doc = fs.readFileSync(RUNBOOK, 'utf8');
  const found: { text: string; argv: string[] }[] = [];
  for (const [, block] of doc.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const raw of block!.replace(/\\\n\s*/g, ' ').split('\n')) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      // Split pipelines, command substitutions and backgrounding into single invocations.
      for (const part of line.split(/\||\$\(|&(?!&)/)) {
        // The `)` closing a `$(…)` substitution is not part of the command.
        const unbalanced = (part.match(/\)/g) ?? []).length > (part.match(/\(/g) ?? []).length;
        const text = (unbalanced ? part.slice(0, part.lastIndexOf(')')) : part).trim();
        if (/^(kubectl|curl)\s/.test(text)) found.push({ text, argv: words(text) });
      }
    }
  }
  return found;
}
