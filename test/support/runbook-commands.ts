/**
 * The shell commands of docs/runbooks/WF-001.md, as an operator would type them: every `kubectl`
 * and `curl` invocation of its bash blocks. Read by the static runbook test (against the
 * synthesized objects) and the live one (against the live cluster).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RUNBOOK = path.join(__dirname, '..', '..', 'docs', 'runbooks', 'WF-001.md');

/**
 * Shell words of a command line, as bash splits them: quotes removed, and quoted and unquoted
 * parts of one word joined (`jsonpath='{.a}{" b="}'` is one word). Enough for the runbook's
 * commands: no expansion, no escapes outside double quotes. A quote still open at the end of
 * the line (a multi-line PromQL argument) takes the rest of the line.
 */
export function words(line: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1) < 0 ? line.length : line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let part = '';
      for (; j < line.length && line[j] !== '"'; j++) part += line[j] === '\\' && j + 1 < line.length ? line[++j] : line[j];
      word = (word ?? '') + part;
      i = j;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) out.push(word);
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

/** The runbook's command with exactly this text, as argv; throws if the runbook no longer has it. */
export function runbookCommand(text: string): string[] {
  const found = runbookCommands().find((c) => c.text === text);
  if (!found) throw new Error(`docs/runbooks/WF-001.md no longer has \`${text}\`: update the test that runs it`);
  return found.argv.slice(1);
}
