// The option parsing every command shares (npm run synth, npm run wait-canary), at its edges.
import { parseOptions, runCommand, UsageError } from '../../stacks/cli';

const USAGE = 'Usage: cmd [--out <dir>] [--env <a|b>]... [--n <value>]';
const SPEC = { out: { example: '<dir>' }, env: { multiple: true, values: ['a', 'b'] }, n: {} };
const parse = (argv: string[], allowPositionals = false) => parseOptions(argv, SPEC, USAGE, allowPositionals);
/** The message parseOptions throws for `argv` (with the usage after it). */
function usageError(argv: string[], allowPositionals = false): string {
  try {
    parse(argv, allowPositionals);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).usage).toBe(USAGE);
    expect((error as UsageError).name).toBe('UsageError');
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
}

describe('parseOptions', () => {
  test('nothing given: no options, no positionals', () => {
    expect(parse([])).toEqual({ options: {}, positionals: [] });
  });

  test('--name value and --name=value; a value may contain "=" and start with "-"', () => {
    expect(parse(['--out', 'dist', '--n=a=b'])).toEqual({ options: { out: ['dist'], n: ['a=b'] }, positionals: [] });
    expect(parse(['--n', '-3'])).toEqual({ options: { n: ['-3'] }, positionals: [] });
    expect(parse(['--n', '--not-an-option'])).toEqual({ options: { n: ['--not-an-option'] }, positionals: [] });
    // Only "--" followed by an option's name is an option: "xxout" and "=-out" are values.
    expect(parse(['--n', 'xxout', '--out', '=-env'])).toEqual({ options: { n: ['xxout'], out: ['=-env'] }, positionals: [] });
    expect(parse(['--n='])).toEqual({ options: { n: [''] }, positionals: [] });
    expect(parse(['--n=x\ny'])).toEqual({ options: { n: ['x\ny'] }, positionals: [] });
  });

  test('a multiple option collects its values in order', () => {
    expect(parse(['--env', 'b', '--env=a'])).toEqual({ options: { env: ['b', 'a'] }, positionals: [] });
  });

  test('positionals are refused unless allowed', () => {
    expect(() => parseOptions(['x'], SPEC, USAGE)).toThrow(`unexpected argument "x"\n${USAGE}`);
  });

  test('positionals, where allowed, are kept in order; "--" is one', () => {
    expect(parse(['x', '--out', 'd', '--', 'y'], true)).toEqual({ options: { out: ['d'] }, positionals: ['x', '--', 'y'] });
  });

  test.each([
    [['x'], 'unexpected argument "x"'],
    [['--'], 'unexpected argument "--"'],
    [['-o'], 'unexpected argument "-o"'],
    [['--bogus'], 'unknown option "--bogus"'],
    [['--bogus=1'], 'unknown option "--bogus"'],
    [['--out'], '--out needs a value (<dir>)'],
    [['--env'], '--env needs a value (one of a, b)'],
    [['--n'], '--n needs a value (a value)'],
    [['--out', '--env', 'a'], '--out needs a value (<dir>)'],
    [['--out', '--env=a'], '--out needs a value (<dir>)'],
    [['--out', 'a', '--out', 'b'], '--out is given twice ("a" and "b"); give it once'],
    [['--out=a', '--out='], '--out is given twice ("a" and ""); give it once'],
  ])('%j: %s, then the usage', (argv, message) => {
    expect(usageError(argv)).toBe(`${message}\n${USAGE}`);
  });
});

describe('runCommand', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  test('returns the body\'s exit code, 0 when it returns none, and writes nothing', () => {
    expect(runCommand('cmd: ', () => 3)).toBe(3);
    expect(runCommand('cmd: ', () => undefined)).toBe(0);
    expect(stderr).not.toHaveBeenCalled();
  });

  test('an error becomes its message on stderr (no stack) and the failure code, 1 by default', () => {
    expect(runCommand('cmd: ', () => { throw new Error('bad input'); })).toBe(1);
    expect(runCommand('cmd: ', () => { throw 'plain'; }, 2)).toBe(2);
    expect(stderr.mock.calls).toEqual([['cmd: bad input\n'], ['cmd: plain\n']]);
  });
});
