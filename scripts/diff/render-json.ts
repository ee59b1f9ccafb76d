import type { DiffReport } from './report';

/** Machine-readable report: full (untruncated) values, Secret payloads already masked upstream. */
export function renderJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
