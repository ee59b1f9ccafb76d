import type { Manifests } from './load-manifests';
import { diffManifests, hasChanges, type EnvironmentDiff } from './manifest-diff';
import { classifyAll, type RiskWarning } from './risk';

/** What was compared, e.g. `{ label: 'main', sha: '3f2c…' }` or `{ label: 'working tree' }`. */
export interface RevisionInfo {
  label: string;
  sha?: string;
}

export interface EnvironmentSummary {
  env: string;
  added: number;
  removed: number;
  changed: number;
  warnings: number;
}

/** Everything both renderers need; built once so Markdown and JSON can never disagree. */
export interface DiffReport {
  base: RevisionInfo;
  head: RevisionInfo;
  hasChanges: boolean;
  summary: EnvironmentSummary[];
  warnings: RiskWarning[];
  environments: EnvironmentDiff[];
}

export function buildReport(base: RevisionInfo, head: RevisionInfo, baseManifests: Manifests, headManifests: Manifests): DiffReport {
  const environments = diffManifests(baseManifests, headManifests);
  const warnings = classifyAll(environments);
  return {
    base,
    head,
    hasChanges: environments.some(hasChanges),
    summary: environments.map((d) => ({
      env: d.env,
      added: d.added.length,
      removed: d.removed.length,
      changed: d.changed.length,
      warnings: warnings.filter((w) => w.env === d.env).length,
    })),
    warnings,
    environments,
  };
}
