/**
 * kubectl() (scripts/cluster/kubectl.ts), the live suites' non-blocking kubectl, against a stand-in
 * kubectl that exits without reading its stdin: the cold CI run failed 10-pulumi-0 once on an
 * uncaught `write EPIPE` from writing to such a process' stdin.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kubectl } from '../../../scripts/cluster/kubectl';

let dir: string;
const saved = process.env.AGENTASKIT_TOOLS_DIR;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-stub-'));
  fs.mkdirSync(path.join(dir, 'go', 'bin'), { recursive: true });
  // Prints what its stdin is (/dev/null, or Node's socket), then exits 3 without reading it.
  fs.writeFileSync(path.join(dir, 'go', 'bin', 'kubectl'), '#!/bin/sh\nreadlink /proc/$$/fd/0\necho refused >&2\nexit 3\n', { mode: 0o755 });
  process.env.AGENTASKIT_TOOLS_DIR = dir;
});

afterAll(() => {
  if (saved === undefined) delete process.env.AGENTASKIT_TOOLS_DIR;
  else process.env.AGENTASKIT_TOOLS_DIR = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

it('gives kubectl no stdin when there is no input', async () => {
  await expect(kubectl('/nonexistent', ['get', 'pods'])).resolves.toEqual({ code: 3, stdout: '/dev/null\n', stderr: 'refused\n' });
});

it('resolves with the exit code and stderr when kubectl exits before reading its input (no EPIPE)', async () => {
  const input = 'x'.repeat(8 * 1024 * 1024); // more than a pipe buffer: the write must hit the closed pipe
  for (let i = 0; i < 5; i++) {
    await expect(kubectl('/nonexistent', ['apply', '-f', '-'], { input })).resolves.toMatchObject({ code: 3, stdout: expect.stringMatching(/^(socket|pipe):/), stderr: 'refused\n' });
  }
});
