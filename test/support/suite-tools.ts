/**
 * A live suite's Go tools, waited for before the suite starts. `npm run test:cluster`
 * (scripts/cluster/test-cluster.sh) builds the control plane first and the suites' tools (Pulumi,
 * Flagger, kube-state-metrics, prometheus-operator) in the background while the first suites run;
 * the first suite that needs one still being built waits here, and the wait is reported.
 */
import * as path from 'node:path';
import { awaitTools, ToolWrapper } from '../../scripts/cluster/tools';
import { report } from './live-report';

/**
 * The longest a suite waits for the background build: more than a cold build of every suite
 * tool takes on 2 busy cores (about 25 min measured, docs/live-cluster.md "Tool build").
 */
export const TOOL_BUILD_WAIT_MS = 50 * 60_000;

/** Registers a beforeAll (call it before the suite's own) that waits for the wrappers' binaries. */
export function needsTools(...wrappers: readonly ToolWrapper[]): void {
  beforeAll(async () => {
    const suite = path.basename(expect.getState().testPath ?? 'unknown');
    const waited = await awaitTools(wrappers, {
      timeoutMs: TOOL_BUILD_WAIT_MS,
      onWait: (w, pid) => console.log(`[tools] ${suite}: waiting for ${w}, still being built by build-tools.sh (pid ${pid})`),
    });
    if (waited >= 1) report('waited for the suite tools', { suite, tools: wrappers, secondsWaited: Number(waited.toFixed(1)) });
  }, TOOL_BUILD_WAIT_MS + 60_000);
}
