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

describe('boundaries of the options', () => {
  test.each(['1000', '1e3', '60000'])('--max-chars %s is accepted (a whole number of at least 1000)', (value) => {
    expect(parseOptions(['--max-chars', value], {})).toMatchObject({ maxChars: Number(value) });
  });

  test.each(['999', '1000.5', 'many', '', '-1000'])('fails on --max-chars %j, naming the value', (value) => {
    expect(() => parseOptions([`--max-chars=${value}`], {})).toThrow(new DiffError(`--max-chars must be an integer ≥ 1000, got '${value}'`));
  });

  test.each(['MD', 'markdown', ''])('fails on --format %j', (value) => {
    expect(() => parseOptions([`--format=${value}`], {})).toThrow(new DiffError(`--format must be 'md' or 'json', got '${value}'`));
  });

  test('only MANIFEST_DIFF_REUSE_DEPS=1 reuses dependencies; the repository is the given directory, else the working directory', () => {
    expect(parseOptions([], { MANIFEST_DIFF_REUSE_DEPS: '0' })).toMatchObject({ reuseDeps: false });
    expect(parseOptions([], { MANIFEST_DIFF_REUSE_DEPS: 'true' })).toMatchObject({ reuseDeps: false });
    expect(parseOptions([], {})).toMatchObject({ repoDir: process.cwd(), out: undefined });
  });

  test('a positional argument is refused with the usage', () => {
    expect(() => parseOptions(['main'], {})).toThrow(/Unexpected argument 'main'[\s\S]*\n\nUsage: npm run diff/);
  });
});
