// The module object itself (not an import-star copy), so jest can replace execFileSync on it.
import childProcess = require('node:child_process');
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli, judge, Kubectl, kubectlArgs, main, observe, Observation, snapshot, Snapshot, waitForVerdict } from '../../scripts/wait-canary';

const before: Snapshot = { canaryExisted: true, lastTransitionTime: '2026-11-30T07:00:00Z', templateHash: 'old' };
const at = (overrides: Partial<Observation>): Observation => ({
  intervalSeconds: 30,
  phase: 'Succeeded',
  lastTransitionTime: before.lastTransitionTime,
  templateHash: 'new',
  ...overrides,
});

describe('judge', () => {
  test('the verdict on the previous revision is not taken for the new one', () => {
    // Right after pulumi up the Canary still says Succeeded (from the last release).
    expect(judge('c', before, at({}), 5, 600)).toEqual({ done: false });
  });

  test('a promotion after the snapshot succeeds', () => {
    expect(judge('c', before, at({ lastTransitionTime: '2026-11-30T07:05:00Z' }), 300, 600)).toEqual({ done: true, ok: true, message: 'canary c: Succeeded' });
  });

  test('fails when Flagger rolled the new revision back, with its message', () => {
    const verdict = judge('c', before, at({ phase: 'Failed', lastTransitionTime: '2026-11-30T07:03:00Z', message: 'Canary analysis failed, Deployment scaled to zero.' }), 200, 600);
    expect(verdict).toEqual({ done: true, ok: false, message: 'canary c failed and was rolled back: Canary analysis failed, Deployment scaled to zero.' });
  });

  test('the first deploy ends in Initialized, which is success', () => {
    expect(judge('c', { canaryExisted: false }, at({ phase: 'Initialized', lastTransitionTime: '2026-11-30T07:01:00Z' }), 40, 600)).toMatchObject({ done: true, ok: true });
    expect(judge('c', { canaryExisted: false }, at({ phase: undefined, lastTransitionTime: undefined }), 40, 600)).toEqual({ done: false });
  });

  test('an unchanged orchestrator is not waited for beyond two intervals, unless a run starts', () => {
    const unchanged = at({ templateHash: 'old' });
    expect(judge('c', before, unchanged, 59, 600)).toEqual({ done: false });
    expect(judge('c', before, unchanged, 60, 600)).toEqual({ done: true, ok: true, message: 'canary c: no new revision to analyse (phase Succeeded)' });
    // A config-only change starts a run within that window: then it is followed to its end.
    expect(judge('c', before, at({ templateHash: 'old', phase: 'Progressing', lastTransitionTime: '2026-11-30T07:00:40Z' }), 90, 600)).toEqual({ done: false });
  });

  test('fails when an unchanged orchestrator still shows an earlier failed run (a pipeline re-run must not pass)', () => {
    expect(judge('c', before, at({ templateHash: 'old', phase: 'Failed', message: 'rolled back' }), 60, 600)).toMatchObject({ done: true, ok: false });
  });

  test('fails when no verdict arrives within the timeout', () => {
    expect(judge('c', before, at({ phase: 'Progressing', lastTransitionTime: '2026-11-30T07:02:00Z' }), 600, 600)).toEqual({
      done: true,
      ok: false,
      message: 'canary c: no verdict within 600 s (phase Progressing); see kubectl describe canary/c',
    });
  });
});

describe('judge at its boundaries', () => {
  test('one second before the timeout it waits on; at the timeout it fails', () => {
    const running = at({ phase: 'Progressing', lastTransitionTime: '2026-11-30T07:02:00Z' });
    expect(judge('c', before, running, 599, 600)).toEqual({ done: false });
    expect(judge('c', before, running, 600, 600)).toMatchObject({ done: true, ok: false });
  });

  test('the two-interval grace follows the Canary\'s own interval', () => {
    const unchanged = at({ templateHash: 'old', intervalSeconds: 10 });
    expect(judge('c', before, unchanged, 19, 600)).toEqual({ done: false });
    expect(judge('c', before, unchanged, 20, 600)).toMatchObject({ done: true, ok: true });
  });

  test('a first deploy is a release even when the template hash matches; a Canary with no status yet is named so', () => {
    expect(judge('c', { canaryExisted: false, templateHash: 'same' }, at({ templateHash: 'same', phase: undefined, lastTransitionTime: undefined }), 100, 600)).toEqual({ done: false });
    expect(judge('c', { canaryExisted: false }, at({ phase: undefined, lastTransitionTime: undefined }), 600, 600)).toEqual({
      done: true,
      ok: false,
      message: 'canary c: no verdict within 600 s (phase (no status yet)); see kubectl describe canary/c',
    });
  });

  test('a status without a transition time is not a new verdict', () => {
    expect(judge('c', { canaryExisted: false }, at({ phase: 'Succeeded', lastTransitionTime: undefined }), 5, 600)).toEqual({ done: false });
    expect(judge('c', before, at({ phase: 'Succeeded', lastTransitionTime: undefined }), 5, 600)).toEqual({ done: false });
  });

  test('a changed template is a release: past the two intervals it is still waited for', () => {
    expect(judge('c', before, at({ templateHash: 'new' }), 60, 600)).toEqual({ done: false });
  });

  test('failures without a message say so', () => {
    expect(judge('c', before, at({ phase: 'Failed', lastTransitionTime: '2026-11-30T07:03:00Z' }), 200, 600)).toEqual({
      done: true, ok: false, message: 'canary c failed and was rolled back: no message',
    });
    expect(judge('c', before, at({ templateHash: 'old', phase: 'Failed' }), 60, 600)).toEqual({
      done: true, ok: false, message: 'canary c: no new revision, but its last run failed: no message',
    });
    expect(judge('c', before, at({ templateHash: 'old', phase: 'Failed', message: 'rolled back' }), 60, 600)).toEqual({
      done: true, ok: false, message: 'canary c: no new revision, but its last run failed: rolled back',
    });
  });

  test('Initialized after the snapshot succeeds like Succeeded; other phases wait', () => {
    expect(judge('c', before, at({ phase: 'Initialized', lastTransitionTime: '2026-11-30T07:01:00Z' }), 40, 600)).toEqual({ done: true, ok: true, message: 'canary c: Initialized' });
    expect(judge('c', before, at({ phase: 'Promoting', lastTransitionTime: '2026-11-30T07:01:00Z' }), 40, 600)).toEqual({ done: false });
  });
});

describe('reading the Canary and its target', () => {
  const canary = (extra: Record<string, unknown> = {}) => ({ spec: { targetRef: { name: 'orchestrator' }, analysis: { interval: '30s' } }, ...extra });

  test('a snapshot leaves out what the Canary does not show yet, and reads no Deployment without a target name', () => {
    const targeted = ['canary/c', 'deployment/orchestrator'];
    for (const [shown, reads] of [[canary(), targeted], [{}, ['canary/c']], [{ spec: {} }, ['canary/c']], [{ spec: { targetRef: {} } }, ['canary/c']]] as const) {
      const read: string[] = [];
      expect(snapshot((resource) => (read.push(resource), resource === 'canary/c' ? shown : undefined), 'ns', 'c')).toStrictEqual({ canaryExisted: true });
      expect(read).toEqual(reads);
    }
  });

  test('the template hash is of the target\'s pod template only', () => {
    const deployment = (replicas: number, image: string) => ({ spec: { replicas, template: { spec: { containers: [{ image }] } } } });
    const hash = (d: unknown) => snapshot((resource) => (resource === 'canary/c' ? canary() : resource === 'deployment/orchestrator' ? d as Record<string, unknown> : undefined), 'ns', 'c').templateHash;
    expect(hash(deployment(1, 'a:1'))).toBe(hash(deployment(5, 'a:1')));
    expect(hash(deployment(1, 'a:1'))).not.toBe(hash(deployment(1, 'a:2')));
    expect(hash(deployment(1, 'a:1'))).toMatch(/^[0-9a-f]{64}$/);
    expect(hash({ spec: {} })).toBe(hash({}));
  });

  test('an observation reads phase, transition, the Promoted condition\'s message and the interval', () => {
    const status = { phase: 'Progressing', lastTransitionTime: 't1', conditions: [{ type: 'Other', message: 'no' }, { type: 'Promoted', message: 'yes' }] };
    expect(observe((resource) => (resource === 'canary/c' ? canary({ status }) : undefined), 'ns', 'c')).toStrictEqual({
      intervalSeconds: 30, phase: 'Progressing', lastTransitionTime: 't1', message: 'yes',
    });
    expect(observe((resource) => (resource === 'canary/c' ? canary({ status: { conditions: [{ type: 'Promoted' }] } }) : undefined), 'ns', 'c')).toStrictEqual({ intervalSeconds: 30 });
    expect(observe((resource) => (resource === 'canary/c' ? canary() : undefined), 'ns', 'c')).toStrictEqual({ intervalSeconds: 30 });
    const withTarget = observe((resource) => (resource === 'canary/c' ? canary() : { spec: { template: {} } }), 'ns', 'c');
    expect(withTarget).toStrictEqual({ intervalSeconds: 30, templateHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

test('snapshot and wait read the Canary and its target through kubectl', () => {
  let phase = 'Succeeded';
  let transition = '2026-11-30T07:00:00Z';
  let image = 'orchestrator:1.4.2';
  const get: Kubectl = (resource, namespace) => {
    expect(namespace).toBe('agentaskit-dev');
    if (resource === 'canary/agentaskit-canary') {
      return {
        spec: { targetRef: { name: 'orchestrator' }, analysis: { interval: '20s' } },
        status: { phase, lastTransitionTime: transition, conditions: [{ type: 'Promoted', message: `phase ${phase}` }] },
      };
    }
    if (resource === 'deployment/orchestrator') return { spec: { template: { spec: { containers: [{ image }] } } } };
    return undefined;
  };
  const taken = snapshot(get, 'agentaskit-dev', 'agentaskit-canary');
  expect(taken).toMatchObject({ canaryExisted: true, lastTransitionTime: transition });
  image = 'orchestrator:1.5.0'; // what pulumi up applies
  let seconds = 0;
  const phases = ['Succeeded', 'Progressing', 'Progressing', 'Failed'];
  const log: string[] = [];
  const verdict = waitForVerdict(taken, {
    namespace: 'agentaskit-dev',
    name: 'agentaskit-canary',
    timeoutSeconds: 300,
    pollSeconds: 10,
    get,
    clock: () => seconds,
    sleep: (s) => {
      seconds += s;
      phase = phases[Math.min(seconds / 10, phases.length - 1)]!;
      transition = `2026-11-30T07:0${seconds / 10}:00Z`;
    },
    log: (m) => log.push(m),
  });
  expect(verdict).toEqual({ done: true, ok: false, message: 'canary agentaskit-canary failed and was rolled back: phase Failed' });
  expect(log).toEqual(['canary agentaskit-canary: phase Succeeded', 'canary agentaskit-canary: phase Progressing', 'canary agentaskit-canary: phase Failed']);
  expect(snapshot(() => undefined, 'agentaskit-dev', 'agentaskit-canary')).toEqual({ canaryExisted: false });
});

test('each change of phase is logged once, a status that disappears as phase (none)', () => {
  let polls = 0;
  const statuses = [{ status: { phase: 'Progressing' } }, {}, {}, { status: { phase: 'Initialized', lastTransitionTime: 't1' } }];
  const get: Kubectl = (resource) => (resource === 'canary/c' ? { spec: { analysis: { interval: '10s' } }, ...statuses[polls] } : undefined);
  const log: string[] = [];
  const verdict = waitForVerdict({ canaryExisted: false }, { namespace: 'n', name: 'c', timeoutSeconds: 600, pollSeconds: 10, get, clock: () => 10 * polls, sleep: () => { polls += 1; }, log: (m) => log.push(m) });
  expect(verdict).toEqual({ done: true, ok: true, message: 'canary c: Initialized' });
  expect(log).toEqual(['canary c: phase Progressing', 'canary c: phase (none)', 'canary c: phase Initialized']);
});

describe('kubectl context (the stack key kubeContext)', () => {
  test('kubectl reads the given context, and the current one when none or an empty one is given', () => {
    expect(kubectlArgs('canary/c', 'ns', 'prod-eu-1')).toEqual(['--context', 'prod-eu-1', 'get', 'canary/c', '-n', 'ns', '-o', 'json', '--ignore-not-found']);
    for (const none of [undefined, '']) {
      expect(kubectlArgs('canary/c', 'ns', none)).toEqual(['get', 'canary/c', '-n', 'ns', '-o', 'json', '--ignore-not-found']);
      expect(kubectlArgs('canary/c', 'ns', none)).not.toContain('--context');
    }
  });

  /** Runs the CLI's snapshot with kubectl finding nothing; returns the argv of every kubectl call. */
  function kubectlCalls(extra: string[]): string[][] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wait-canary-'));
    const calls: string[][] = [];
    const exec = jest.spyOn(childProcess, 'execFileSync').mockImplementation(((file: string, args: string[]) => {
      calls.push([file, ...args]);
      return '';
    }) as typeof childProcess.execFileSync);
    try {
      expect(main(['snapshot', '--environment', 'dev', '--state', path.join(dir, 'state.json'), ...extra])).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'))).toEqual({ canaryExisted: false });
      return calls;
    } finally {
      exec.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('--context reaches every kubectl call of the CLI', () => {
    expect(kubectlCalls(['--context', 'prod-eu-1'])).toEqual([['kubectl', '--context', 'prod-eu-1', 'get', 'canary/agentaskit-canary', '-n', 'agentaskit-dev', '-o', 'json', '--ignore-not-found']]);
  });

  test('without --context (or with the empty value of an unset stack key) kubectl gets no --context', () => {
    const current = [['kubectl', 'get', 'canary/agentaskit-canary', '-n', 'agentaskit-dev', '-o', 'json', '--ignore-not-found']];
    expect(kubectlCalls([])).toEqual(current);
    expect(kubectlCalls(['--context', ''])).toEqual(current);
  });
});

describe('the command says what is wrong and what to do', () => {
  let dir: string;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wait-canary-cli-'));
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /** Exit code and stderr of the CLI with kubectl answering `answer` (its stdout, or a failure). */
  function run(argv: string[], answer: string | Error = ''): { code: number; stderr: string } {
    jest.spyOn(childProcess, 'execFileSync').mockImplementation((() => {
      if (answer instanceof Error) throw answer;
      return answer;
    }) as unknown as typeof childProcess.execFileSync);
    const code = cli(argv);
    return { code, stderr: stderr.mock.calls.map((c) => String(c[0])).join('') };
  }
  const state = () => path.join(dir, 'state.json');

  test.each([
    [[], 'missing the subcommand: snapshot (before pulumi up) or wait (after it)'],
    [['promote', '--environment', 'dev', '--state', 's'], 'unknown subcommand "promote": use snapshot or wait'],
    [['wait', '--environment', 'dev'], '--state is required: the file snapshot writes and wait reads'],
    [['wait', '--state', 's'], '--environment is required (one of dev, staging, production)'],
    [['wait', '--environment', 'prod', '--state', 's'], '--environment is "prod", not one of dev, staging, production'],
    [['wait', '--environment', 'dev', '--state', 's', '--timeout', '-3'], `--timeout is "-3": pass whole seconds of at least 1, e.g. "$(pulumi stack output canaryAnalysisTimeoutSeconds --stack dev)", or leave it out for the environment's own bound`],
    [['wait', '--environment', 'dev', '--state', 's', '--timeout'], '--timeout needs a value (<seconds>)'],
    [['wait', '--environment', 'dev', '--state'], '--state needs a value (<file>)'],
    [['wait', '--environment'], '--environment needs a value (one of dev, staging, production)'],
    [['wait', '--environment', 'dev', '--state', 's', '--context'], '--context needs a value (<kubeconfig context>)'],
    [['snapshot', '--environment', 'dev', '--state', 's', '--timeout', '60'], '--timeout applies to wait only'],
    [['snapshot', 'now', '--environment', 'dev', '--state', 's'], 'unexpected argument "now"'],
    ...['0', '1.5', '1x', 'x1', '', ' 1'].map((timeout): [string[], string] => [['wait', '--environment', 'dev', '--state', 's', `--timeout=${timeout}`], `--timeout is "${timeout}": pass whole seconds of at least 1, e.g. "$(pulumi stack output canaryAnalysisTimeoutSeconds --stack dev)", or leave it out for the environment's own bound`]),
  ])('%j: exit 2 and the problem, then the usage', (argv, problem) => {
    const result = run(argv);
    expect(result).toEqual({
      code: 2,
      stderr: `wait-canary: ${problem}\n` +
        'Usage: npm run --silent wait-canary -- snapshot --environment <env> --state <file> [--context <kubeconfig context>]   (before pulumi up)\n' +
        '       npm run --silent wait-canary -- wait --environment <env> --state <file> [--timeout <seconds>] [--context <kubeconfig context>]\n' +
        "  <env>: dev, staging, production; --timeout defaults to the environment's canary bound (the stack output canaryAnalysisTimeoutSeconds)\n",
    });
  });

  test('a missing snapshot says to take one first', () => {
    const result = run(['wait', '--environment', 'dev', '--state', state(), '--timeout', '60']);
    expect(result).toEqual({ code: 2, stderr: `wait-canary: no snapshot at ${state()}: take it with \`npm run --silent wait-canary -- snapshot --environment dev --state ${state()}\` before pulumi up\n` });
  });

  test('a damaged snapshot says so, and how to take it again', () => {
    fs.writeFileSync(state(), '{"canaryExist');
    expect(run(['wait', '--environment', 'dev', '--state', state(), '--timeout', '60']).stderr).toMatch(
      /^wait-canary: .*state\.json is not a snapshot written by wait-canary snapshot \(.*JSON.*\); take it with `npm run --silent wait-canary -- snapshot/,
    );
    fs.writeFileSync(state(), '[]');
    expect(run(['wait', '--environment', 'dev', '--state', state(), '--timeout', '60']).stderr).toContain('is not a snapshot written by wait-canary snapshot (no "canaryExisted")');
  });

  test('without --timeout, wait uses the environment\'s own bound (the stack output canaryAnalysisTimeoutSeconds)', () => {
    fs.writeFileSync(state(), JSON.stringify({ canaryExisted: false }));
    // No Canary after pulumi up: the first observation fails, after the timeout was resolved.
    expect(run(['wait', '--environment', 'dev', '--state', state()]).stderr).toBe('wait-canary: canary agentaskit-canary does not exist in namespace agentaskit-dev after pulumi up\n');
  });

  test('kubectl\'s error is quoted once, and its stderr is not passed through as well', () => {
    const failure = Object.assign(new Error('Command failed: kubectl get'), { status: 1, stderr: 'error: context "x" does not exist\n' });
    const result = run(['snapshot', '--environment', 'dev', '--state', state(), '--context', 'x'], failure);
    expect(result.code).toBe(2);
    expect(result.stderr.match(/context "x" does not exist/g)).toHaveLength(1);
    expect(result.stderr).toContain('failed (exit 1): error: context "x" does not exist');
  });

  test('--timeout 1 is accepted: the wait starts (and finds no Canary)', () => {
    fs.writeFileSync(state(), JSON.stringify({ canaryExisted: false }));
    expect(run(['wait', '--environment', 'dev', '--state', state(), '--timeout', '1']).stderr).toBe('wait-canary: canary agentaskit-canary does not exist in namespace agentaskit-dev after pulumi up\n');
  });

  test('a snapshot that cannot be read, or is not one, says so', () => {
    expect(run(['wait', '--environment', 'dev', '--state', dir, '--timeout', '60']).stderr).toMatch(
      new RegExp(`^wait-canary: cannot read the snapshot ${dir} \\(.*EISDIR.*\\); take it with`),
    );
    for (const text of ['null', '"x"', '{"canaryExisted":"yes"}']) {
      fs.writeFileSync(state(), text);
      expect(run(['wait', '--environment', 'dev', '--state', state(), '--timeout', '60']).stderr).toContain(`${state()} is not a snapshot written by wait-canary snapshot (no "canaryExisted"); take it with`);
    }
  });

  test('kubectl output that is not JSON is quoted, at most 200 characters', () => {
    const garbage = `<html>${'x'.repeat(300)}`;
    expect(run(['snapshot', '--environment', 'dev', '--state', state()], garbage).stderr).toBe(
      `wait-canary: kubectl get canary/agentaskit-canary -n agentaskit-dev -o json --ignore-not-found printed no JSON: ${garbage.slice(0, 200)}\n`,
    );
  });

  test('a kubectl failure with no stderr at all gives its message', () => {
    const failure = Object.assign(new Error('spawnSync kubectl ETIMEDOUT'), { status: null });
    expect(run(['snapshot', '--environment', 'dev', '--state', state()], failure).stderr).toBe(
      'wait-canary: kubectl get canary/agentaskit-canary -n agentaskit-dev -o json --ignore-not-found failed (exit null): spawnSync kubectl ETIMEDOUT\n',
    );
  });

  test('a kubectl failure without stderr gives its message', () => {
    const failure = Object.assign(new Error('Command failed: kubectl get'), { status: 1, stderr: '  ' });
    expect(run(['snapshot', '--environment', 'dev', '--state', state()], failure).stderr).toBe(
      'wait-canary: kubectl get canary/agentaskit-canary -n agentaskit-dev -o json --ignore-not-found failed (exit 1): Command failed: kubectl get\n',
    );
  });

  test('kubectl runs with its output read as text and its stderr captured, not passed through', () => {
    const exec = jest.spyOn(childProcess, 'execFileSync').mockImplementation((() => '') as unknown as typeof childProcess.execFileSync);
    expect(cli(['snapshot', '--environment', 'dev', '--state', state()])).toBe(0);
    expect(exec.mock.calls[0]![2]).toEqual({ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  });

  test('a missing kubectl is named', () => {
    const missing = Object.assign(new Error('spawnSync kubectl ENOENT'), { code: 'ENOENT' });
    expect(run(['snapshot', '--environment', 'dev', '--state', state()], missing).stderr).toBe('wait-canary: kubectl is not on the PATH; install it (the deploy pipelines get it with the runner image)\n');
  });
});

test('runs without a tsc build: npm run wait-canary goes through scripts/run.js, which compiles the TypeScript sources', () => {
  const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).scripts;
  expect(scripts['wait-canary']).toBe('node scripts/run.js scripts/wait-canary.ts');
  const result = childProcess.spawnSync(process.execPath, ['scripts/run.js', 'scripts/wait-canary.ts'], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
  expect([result.status, result.stderr.split('\n')[0]]).toEqual([2, 'wait-canary: missing the subcommand: snapshot (before pulumi up) or wait (after it)']);
});
