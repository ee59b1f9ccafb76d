import { formatRef, type VersionedRef } from '../../lib/manifest';
import { formatChange } from './format';
import { hasChanges, type EnvironmentDiff } from './manifest-diff';
import { describeRevision, type DiffReport } from './report';
import type { RiskWarning } from './risk';

/** GitHub rejects comments over 65536 chars; leave room for the sticky-comment marker. */
export const DEFAULT_MAX_CHARS = 60_000;
/** Sections longer than this many lines are collapsed into `<details>`. */
export const COLLAPSE_LINES = 25;

/** How much per-object detail a rendering includes; degraded step by step until the report fits. */
type Detail = 'fields' | 'objects' | 'summary';

const SIZE_NOTE: Record<Detail, string> = {
  fields: '',
  objects: '> Field-level changes are omitted to fit the comment size limit; run `npm run diff` locally (or `--format json`) for all of them.',
  summary: '> Per-object changes are omitted to fit the comment size limit; run `npm run diff` locally (or `--format json`) for all of them.',
};

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A fence longer than any backtick run inside, so values can never close it early. */
function fenced(lines: string[]): string[] {
  // reduce, not Math.max(...spread): a huge diff has more lines than a call may take arguments.
  const longestRun = lines.reduce((max, line) => (line.match(/`+/g) ?? []).reduce((m, run) => Math.max(m, run.length), max), 0);
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [`${fence}text`, ...lines, fence];
}

function collapsible(summary: string, body: string[]): string[] {
  if (body.length <= COLLAPSE_LINES) return body;
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

function refList(title: string, refs: VersionedRef[]): string[] {
  if (refs.length === 0) return [];
  return [`**${title}**`, '', ...refs.map((ref) => `- ${code(formatRef(ref))} (${ref.apiVersion})`), ''];
}

function changedSection(diff: EnvironmentDiff, detail: Detail): string[] {
  if (diff.changed.length === 0) return [];
  if (detail === 'objects') {
    return [
      '**Changed**',
      '',
      ...diff.changed.map(({ ref, changes }) => `- ${code(formatRef(ref))} (${changes.length} field${changes.length === 1 ? '' : 's'})`),
      '',
    ];
  }
  // One line per field, prefixed with its object, so a line stands alone when grepped or quoted.
  const lines = diff.changed.flatMap(({ ref, changes }) => changes.map((c) => `${formatRef(ref)}  ${formatChange(c)}`));
  return ['**Changed**', '', ...fenced(lines), ''];
}

function environmentSection(diff: EnvironmentDiff, detail: Detail): string[] {
  const body = [...refList('Added', diff.added), ...refList('Removed', diff.removed), ...changedSection(diff, detail)];
  const counts = `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`;
  return [`### ${diff.env}`, '', ...collapsible(`${diff.env}: ${counts}`, body), ''];
}

function summaryTable(report: DiffReport): string[] {
  return [
    // The same words as the section below, so the count reads as what it counts.
    '| Environment | Added | Removed | Changed | High-risk changes |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...report.summary.map((s) => `| ${s.env} | ${s.added} | ${s.removed} | ${s.changed} | ${s.warnings} |`),
    '',
  ];
}

function warningSection(warnings: RiskWarning[]): string[] {
  if (warnings.length === 0) return [];
  const items = warnings.map((w) => `- **${w.env}** ${code(formatRef(w.ref))}: ${code(w.reason)}`);
  return [`### ⚠️ High-risk changes (${warnings.length})`, '', ...collapsible(`${warnings.length} high-risk changes`, items), ''];
}

function render(report: DiffReport, detail: Detail): string {
  const lines = [`## Manifest diff: ${code(describeRevision(report.base))} → ${code(describeRevision(report.head))}`, ''];
  if (!report.hasChanges) {
    const envs = report.summary.map((s) => s.env).join(', ');
    lines.push(envs ? `No manifest changes in any environment (${envs}).` : 'No manifest changes (no environments were synthesized).', '');
  } else {
    lines.push(...summaryTable(report), ...warningSection(report.warnings));
    if (SIZE_NOTE[detail]) lines.push(SIZE_NOTE[detail], '');
    if (detail !== 'summary') {
      lines.push(...report.environments.filter(hasChanges).flatMap((d) => environmentSection(d, detail)));
    }
  }
  // Sections each end with a blank line; squeeze the doubles where they meet. Values never
  // contain raw newlines (formatValue JSON-escapes them), so fenced blocks are unaffected.
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

const TRUNCATION_NOTE = '> Report truncated to fit the comment size limit; run `npm run diff` locally for the full report.';

/** What must be closed after a line: the open code fence (if any) and the `<details>` blocks, innermost last. */
interface OpenBlocks {
  readonly fence?: string;
  readonly details: number;
}

function afterLine(open: OpenBlocks, line: string): OpenBlocks {
  if (open.fence !== undefined) {
    // A fence closes on a line of at least as many backticks and nothing else (CommonMark).
    const close = /^(`{3,})\s*$/.exec(line);
    return close && close[1]!.length >= open.fence.length ? { details: open.details } : open;
  }
  const fence = /^(`{3,})/.exec(line);
  if (fence) return { fence: fence[1]!, details: open.details };
  if (line === '<details>') return { details: open.details + 1 };
  if (line === '</details>' && open.details > 0) return { details: open.details - 1 };
  return open;
}

/** The lines that close `open`: the fence first, then each `<details>` after a blank line (as collapsible() writes it). */
function closing(open: OpenBlocks): string[] {
  return [...(open.fence !== undefined ? [open.fence] : []), ...Array.from({ length: open.details }, () => ['', '</details>']).flat()];
}

/**
 * The longest prefix of whole lines of `text` that, with whatever it leaves open closed (code
 * fence, `<details>`) and the truncation note appended, fits `maxChars`. A plain cut could end
 * inside a `<details>` block or a fence and swallow everything GitHub renders after the comment.
 */
export function truncateMarkdown(text: string, maxChars: number): string {
  const finish = (kept: string[], open: OpenBlocks) => `${[...kept, ...closing(open), '', TRUNCATION_NOTE].join('\n').replace(/^\n+/, '')}\n`;
  const lines = text.split('\n');
  let open: OpenBlocks = { details: 0 };
  let kept = { count: 0, open };
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    open = afterLine(open, lines[i]!);
    length += lines[i]!.length + 1;
    // The length finish() would produce (each line plus its newline, a blank line, the note),
    // summed without joining: a huge report has tens of thousands of lines.
    const total = length + closing(open).reduce((n, l) => n + l.length + 1, 0) + 1 + TRUNCATION_NOTE.length + 1;
    if (total > maxChars) break;
    kept = { count: i + 1, open };
  }
  return finish(lines.slice(0, kept.count), kept.open);
}

/**
 * Markdown for a PR comment. Detail is reduced (fields → objects → summary) until
 * the text fits `maxChars`; if even the summary is too long (thousands of warnings),
 * it is cut at a line boundary, with open blocks closed and a note saying so.
 */
export function renderMarkdown(report: DiffReport, maxChars: number = DEFAULT_MAX_CHARS): string {
  let text = '';
  for (const detail of ['fields', 'objects', 'summary'] as const) {
    text = render(report, detail);
    if (text.length <= maxChars) return text;
  }
  return truncateMarkdown(text, maxChars);
}
