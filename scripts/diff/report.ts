import type { Manifests } from './load-manifests';
import { diffManifests, hasChanges, type EnvironmentDiff } from './manifest-diff';
import { classifyAll, type RiskWarning } from './risk';

/** What was compared, e.g. `{ label: 'main', sha: '3f2c…' }` or `{ label: 'working tree' }`. */
export interface RevisionInfo {
  label: string;
  sha?: string;
  /** The working tree differs from `sha` (uncommitted or untracked files): what was synthesized is not that commit. */
  dirty?: boolean;
}

/**
 * `main (3f2c1a9b0d4e)`; just the short sha when the ref given was a sha already;
 * `working tree (3f2c1a9b0d4e + uncommitted changes)` when the files differ from the commit.
 */
export function describeRevision(rev: RevisionInfo): string {
  if (!rev.sha) return rev.dirty ? `${rev.label} (uncommitted changes)` : rev.label;
  const short = rev.sha.slice(0, 12);
  if (rev.dirty) return `${rev.label} (${short} + uncommitted changes)`;
  return /^[0-9a-f]{7,40}$/.test(rev.label) && rev.sha.startsWith(rev.label) ? short : `${rev.label} (${short})`;
}

/** A revision pinned to a commit, as the base always is. */
export type CommitRevision = Required<Pick<RevisionInfo, 'label' | 'sha'>>;

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
