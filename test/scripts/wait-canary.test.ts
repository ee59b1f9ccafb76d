// The module object itself (not an import-star copy), so jest can replace execFileSync on it.
import childProcess = require('node:child_process');
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { judge, Kubectl, kubectlArgs, main, Observation, snapshot, Snapshot, waitForVerdict } from '../../scripts/wait-canary';

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
