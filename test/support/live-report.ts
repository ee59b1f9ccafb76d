/**
 * Measured figures of the live suites (times, counts, ratios): printed as they are taken and
 * appended to <cluster dir>/measurements.jsonl, which global-teardown.ts prints as one summary at
 * the end of `npm run test:cluster`. Figures are reported, never asserted against wall-clock
 * targets (speed targets live in `npm run bench`); the tests assert behaviour and bounds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clusterDir } from '../../scripts/cluster/control-plane';

export function measurementsFile(): string {
  return path.join(clusterDir({ name: process.env.AGENTASKIT_CLUSTER_NAME ?? 'test' }), 'measurements.jsonl');
}

export function report(what: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ what, ...figures });
  fs.appendFileSync(measurementsFile(), line + '\n');
  console.log(`[measured] ${line}`);
}

export function readMeasurements(): string[] {
  try {
    return fs.readFileSync(measurementsFile(), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
