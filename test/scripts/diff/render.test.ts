import { CHANGE_CONTEXT_CHARS, formatChange, formatValue, MAX_VALUE_CHARS } from '../../../scripts/diff/format';
import { versionedKeyOf, versionedRefOf, type ManifestObject } from '../../../lib/manifest';
import type { Manifests } from '../../../scripts/diff/load-manifests';
import { buildReport, describeRevision } from '../../../scripts/diff/report';
import { COLLAPSE_LINES, DEFAULT_MAX_CHARS, renderMarkdown, truncateMarkdown } from '../../../scripts/diff/render-markdown';

describe('formatValue', () => {
  test('renders scalars compactly and quotes only when needed', () => {
    expect([formatValue('1.5.0'), formatValue(''), formatValue('a b'), formatValue(3), formatValue(true), formatValue(null)]).toEqual([
      '1.5.0',
      '""',
      '"a b"',
      '3',
      'true',
      'null',
    ]);
    expect(formatValue({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(formatValue('line1\nline2')).toBe('"line1\\nline2"');
  });

  test('truncates long values with an ellipsis', () => {
    const text = formatValue('x'.repeat(500));
    expect(text).toHaveLength(MAX_VALUE_CHARS);
    expect(text.endsWith('x…')).toBe(true);
  });

  describe('formatChange of long values shows where they differ', () => {
    const intro = 'Orchestrator error budget burning too fast: more than 14.4x the allowed rate over the last hour, page the on-call ';
    const description = (threshold: string) => `${intro}(threshold ${threshold}), see runbook WF-001 section 4.2 for the steps to take.`;

    test('drops the common prefix and suffix, keeping some context on each side', () => {
      const line = formatChange({ path: 'd', op: 'changed', before: description('1%'), after: description('0.5%') });
      const [before, after] = line.slice('d: '.length).split(' → ');
      expect(before).not.toBe(after);
      expect(before).toContain('(threshold 1%)');
      expect(after).toContain('(threshold 0.5%)');
      expect(before.startsWith('…') && before.endsWith('…')).toBe(true);
      // Exactly CHANGE_CONTEXT_CHARS unchanged characters around the differing part.
      const prefix = 'page the on-call (threshold '.slice(-CHANGE_CONTEXT_CHARS);
      const suffix = '%), see runbook WF-001 section'.slice(0, CHANGE_CONTEXT_CHARS);
      expect(before).toBe(`…${prefix}1${suffix}…`);
      expect(after).toBe(`…${prefix}0.5${suffix}…`);
    });

    test('a change at the very start or end keeps that end unmarked', () => {
      const long = 'x'.repeat(200);
      expect(formatChange({ path: 'v', op: 'changed', before: `a${long}`, after: `b${long}` })).toBe(
        `v: a${'x'.repeat(CHANGE_CONTEXT_CHARS)}… → b${'x'.repeat(CHANGE_CONTEXT_CHARS)}…`,
      );
      expect(formatChange({ path: 'v', op: 'changed', before: `${long}a`, after: `${long}b` })).toBe(
        `v: …${'x'.repeat(CHANGE_CONTEXT_CHARS)}a → …${'x'.repeat(CHANGE_CONTEXT_CHARS)}b`,
      );
    });

    test('a differing part longer than the limit is still cut to MAX_VALUE_CHARS', () => {
      const line = formatChange({ path: 'v', op: 'changed', before: 'p'.repeat(300) + 'a'.repeat(300), after: 'p'.repeat(300) + 'b'.repeat(300) });
      const [before, after] = line.slice('v: '.length).split(' → ');
      expect([before.length, after.length]).toEqual([MAX_VALUE_CHARS, MAX_VALUE_CHARS]);
      expect(before).toBe(`…${'p'.repeat(CHANGE_CONTEXT_CHARS)}${'a'.repeat(MAX_VALUE_CHARS - CHANGE_CONTEXT_CHARS - 2)}…`);
    });

    test('short values are shown whole, long objects windowed like strings', () => {
      expect(formatChange({ path: 'v', op: 'changed', before: 'same start a', after: 'same start b' })).toBe('v: "same start a" → "same start b"');
      const big = (n: number) => ({ list: Array.from({ length: 80 }, (_, i) => (i === 40 ? n : i)) });
      expect(formatChange({ path: 'o', op: 'changed', before: big(1), after: big(2) })).toMatch(/^o: …[\d,]{20}1[\d,]{20}… → …[\d,]{20}2[\d,]{20}…$/);
    });
  });

  test('formatChange shows missing sides and hides secret values', () => {
    expect(formatChange({ path: 'a', op: 'added', after: 1 })).toBe('a: (none) → 1');
    expect(formatChange({ path: 'a', op: 'removed', before: 1 })).toBe('a: 1 → (none)');
    expect(formatChange({ path: 'data.k', op: 'changed', before: 'x', after: 'y', hidden: true })).toBe('data.k: changed (value hidden)');
  });
});

function configMap(name: string, data: Record<string, string>): ManifestObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function manifests(env: string, objects: ManifestObject[]): Manifests {
  return new Map([[env, new Map(objects.map((o) => [versionedKeyOf(versionedRefOf(o)), o]))]]);
}

/** A report with `count` ConfigMaps in dev whose `data.k` changed (each value `width` chars long). */
function bigReport(count: number, width = 10) {
  const names = Array.from({ length: count }, (_, i) => `cm-${String(i).padStart(4, '0')}`);
  return buildReport(
    { label: 'main', sha: 'a'.repeat(40) },
    { label: 'working tree' },
    manifests('dev', names.map((n) => configMap(n, { k: 'a'.repeat(width) }))),
    manifests('dev', names.map((n) => configMap(n, { k: 'b'.repeat(width) }))),
  );
}

test('objects are listed by kind, namespace, name, then apiVersion, field by field (a name before its longer namesakes)', () => {
  const object = (apiVersion: string, kind: string, name: string, namespace?: string): ManifestObject => ({ apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace } });
  const head = [
    object('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n'),
    object('autoscaling/v1', 'HorizontalPodAutoscaler', 'h', 'n'),
    object('v1', 'Service', 'api-canary', 'n'),
    object('v1', 'Service', 'api', 'n-b'),
    object('v1', 'Service', 'api', 'n'),
    object('v1', 'Service', 'api'),
  ];
  const report = buildReport({ label: 'main', sha: 'a'.repeat(40) }, { label: 'working tree' }, manifests('dev', []), manifests('dev', head));
  expect(report.environments[0]!.added.map((r) => `${r.kind} ${r.namespace ?? ''} ${r.name} ${r.apiVersion}`)).toEqual([
    'HorizontalPodAutoscaler n h autoscaling/v1',
    'HorizontalPodAutoscaler n h autoscaling/v2',
    'Service  api v1',
    'Service n api v1',
    'Service n api-canary v1',
    'Service n-b api v1',
  ]);
});

describe('renderMarkdown', () => {
  test('small sections are shown inline, large ones collapsed into <details>', () => {
    expect(renderMarkdown(bigReport(2))).not.toContain('<details>');
    const large = renderMarkdown(bigReport(COLLAPSE_LINES + 1));
    expect(large).toContain('<details>\n<summary>dev: 0 added, 0 removed, 26 changed</summary>\n\n**Changed**');
    expect(large).toContain('ConfigMap cm-0025  data.k: aaaaaaaaaa → bbbbbbbbbb\n```\n\n</details>');
  });

  test('degrades to object lists, then to the summary, to stay under the size limit', () => {
    const report = bigReport(200, 100);
    const full = renderMarkdown(report, 1_000_000);
    expect(full).toContain('ConfigMap cm-0199  data.k:');

    const objects = renderMarkdown(report, full.length - 1);
    expect(objects.length).toBeLessThan(full.length);
    expect(objects).toContain('> Field-level changes are omitted');
    expect(objects).toContain('- `ConfigMap cm-0199` (1 field)');

    const summary = renderMarkdown(report, objects.length - 1);
    expect(summary).toContain('> Per-object changes are omitted');
    expect(summary).toContain('| dev | 0 | 0 | 200 | 0 |');
    expect(summary).not.toContain('cm-0199');
  });

  test('cuts at a line boundary with a note when even the summary is too long', () => {
    const report = buildReport(
      { label: 'main' },
      { label: 'working tree' },
      manifests('production', []),
      manifests('production', Array.from({ length: 400 }, (_, i) => configMap(`cm-${i}`, {}))),
    );
    const text = renderMarkdown(report, 5_000);
    expect(text.length).toBeLessThanOrEqual(5_000);
    expect(text.endsWith('run `npm run diff` locally for the full report.\n')).toBe(true);
  });

  test('a huge diff (thousands of warnings) is cut under the limit with every <details> and fence closed', () => {
    const objects = Array.from({ length: 5_000 }, (_, i) => configMap(`cm-${String(i).padStart(4, '0')}`, { k: 'v' }));
    const report = buildReport({ label: 'main' }, { label: 'working tree' }, manifests('production', objects), manifests('production', []));
    expect(report.warnings.length).toBeGreaterThanOrEqual(5_000);
    const text = renderMarkdown(report);
    expect(text.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    // The cut falls inside the collapsed warnings list, which must still be closed.
    expect(text).toContain('<details>');
    expect(balance(text)).toEqual({ details: 0, fence: undefined });
    expect(text.endsWith('\n\n</details>\n\n> Report truncated to fit the comment size limit; run `npm run diff` locally for the full report.\n')).toBe(true);
  });
});

/** `<details>` still open and the code fence still open at the end of `text`. */
function balance(text: string): { details: number; fence: string | undefined } {
  let details = 0;
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const run = /^(`{3,})(.*)$/.exec(line);
    if (fence !== undefined) {
      if (run && run[1]!.length >= fence.length && run[2]!.trim() === '') fence = undefined;
    } else if (run) fence = run[1];
    else if (line === '<details>') details++;
    else if (line === '</details>') details--;
    expect(details).toBeGreaterThanOrEqual(0);
  }
  return { details, fence };
}

describe('truncateMarkdown', () => {
  const fenced = ['## Report', '', '<details>', '<summary>dev</summary>', '', '````text', ...Array.from({ length: 200 }, (_, i) => `line ${i} \`\`\``), '````', '', '</details>', ''].join('\n');

  test.each([300, 1_000, 2_000])('cutting inside a fence within <details> at %i chars closes both, in order, under the limit', (maxChars) => {
    const text = truncateMarkdown(fenced, maxChars);
    expect(text.length).toBeLessThanOrEqual(maxChars);
    expect(balance(text)).toEqual({ details: 0, fence: undefined });
    expect(text).toMatch(/line \d+ ```\n````\n\n<\/details>\n\n> Report truncated/);
  });

  test('keeps the most whole lines that fit with their closers', () => {
    const maxChars = 1_000;
    const text = truncateMarkdown(fenced, maxChars);
    const lastKept = Number(/line (\d+) ```\n````/.exec(text)![1]);
    expect(text.length + `line ${lastKept + 1} \`\`\`\n`.length).toBeGreaterThan(maxChars);
  });

  test('a cut after a closed block adds no closers', () => {
    const text = truncateMarkdown(`${fenced}\n${'tail\n'.repeat(500)}`, fenced.length + 200);
    expect(text).toContain('</details>\n\ntail');
    expect(text.match(/<\/details>/g)).toHaveLength(1);
    expect(balance(text)).toEqual({ details: 0, fence: undefined });
  });
});

describe('renderMarkdown backticks', () => {
  test('a value containing backticks cannot close the code fence', () => {
    const report = buildReport(
      { label: 'main' },
      { label: 'working tree' },
      manifests('dev', [configMap('c', { k: 'x' })]),
      manifests('dev', [configMap('c', { k: '```' })]),
    );
    expect(renderMarkdown(report)).toContain('````text\nConfigMap c  data.k: x → ```\n````');
  });
});

describe('what was compared', () => {
  test('the right side says when its files differ from the commit it names', () => {
    expect(describeRevision({ label: 'working tree', sha: 'a'.repeat(40), dirty: true })).toBe('working tree (aaaaaaaaaaaa + uncommitted changes)');
    expect(describeRevision({ label: 'working tree', sha: 'a'.repeat(40) })).toBe('working tree (aaaaaaaaaaaa)');
    expect(describeRevision({ label: 'working tree', dirty: true })).toBe('working tree (uncommitted changes)');
  });
});
