/**
 * Reads `kubectl drain`'s stderr. kubectl retries an eviction that the disruption controller
 * refuses (HTTP 429 from the Eviction API) and prints, for each retry,
 * `error when evicting pods/"<pod>" -n "<ns>" (will retry after 5s): Cannot evict pod as it would
 * violate the pod's disruption budget.` (k8s.io/kubectl/pkg/drain). That line is a PDB doing its
 * job, not a failure; any other line that says error is one.
 */
const PDB_REFUSAL = /error when evicting pods\/"([^"]+)" .*Cannot evict pod as it would violate the pod's disruption budget/;

export interface DrainErrors {
  /** The pods whose eviction a PDB refused, one entry per refused attempt. */
  readonly refusals: string[];
  /** Every other line that mentions an error. */
  readonly otherErrors: string[];
}

export function drainErrors(stderr: string): DrainErrors {
  const lines = stderr.split('\n').filter((line) => /error/i.test(line));
  return {
    refusals: lines.flatMap((line) => PDB_REFUSAL.exec(line)?.[1] ?? []),
    otherErrors: lines.filter((line) => !PDB_REFUSAL.test(line)),
  };
}
