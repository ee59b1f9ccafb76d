import { DiffError } from '../../../scripts/diff/errors';
import { parseOptions } from '../../../scripts/diff/main';

test('defaults: merge base, Markdown, npm synth (given --outdir), fresh dependencies', () => {
  expect(parseOptions([], {}, '/repo')).toMatchObject({
    repoDir: '/repo',
    base: undefined,
    format: 'md',
    synthCommand: 'npm run --silent synth --',
    reuseDeps: false,
    maxChars: 60_000,
  });
});

test('flags and the MANIFEST_DIFF_REUSE_DEPS environment variable', () => {
  expect(
    parseOptions(['--base', 'origin/main', '--format', 'json', '--out', 'r.json', '--synth-cmd', 'make synth'], {
      MANIFEST_DIFF_REUSE_DEPS: '1',
    }),
  ).toMatchObject({ base: 'origin/main', format: 'json', out: 'r.json', synthCommand: 'make synth', reuseDeps: true });
  expect(parseOptions(['--reuse-deps'], {})).toMatchObject({ reuseDeps: true });
  expect(parseOptions(['--help'], {})).toBe('help');
});

test('bad arguments are DiffErrors that say what is wrong', () => {
  expect(() => parseOptions(['--format', 'html'], {})).toThrow(new DiffError("--format must be 'md' or 'json', got 'html'"));
  expect(() => parseOptions(['--bogus'], {})).toThrow(/Unknown option '--bogus'[\s\S]*Usage: npm run diff/);
  expect(() => parseOptions(['--max-chars', '10'], {})).toThrow(DiffError);
  // The output directory is a fresh temporary one, never a path in the repository.
  expect(() => parseOptions(['--dist-dir', 'out'], {})).toThrow(/Unknown option '--dist-dir'/);
});
