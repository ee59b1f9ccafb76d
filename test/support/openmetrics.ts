/**
 * Generates OpenMetrics text from a compact description of synthetic series, in the shape
 * `promtool tsdb create-blocks-from openmetrics` (Prometheus 2.42) accepts:
 *   - one `# HELP` / `# TYPE` per metric family, and all samples of a family contiguous;
 *   - counter families are named without `_total` in HELP/TYPE, their samples carry `_total`;
 *   - histograms expand to cumulative `_bucket{le="..."}` (always incl. `+Inf`), `_count`, `_sum`;
 *   - every sample has an explicit timestamp in (integer) seconds, ascending per series;
 *   - the text ends with `# EOF` (promtool rejects input without it).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface SyntheticSeries {
  /** Family name. For counters a trailing `_total` is accepted and normalised away. */
  name: string;
  type: MetricType;
  help?: string;
  labels?: Record<string, string>;
  /**
   * Value at unix time `t` (seconds). Counter: cumulative value. Gauge: the value.
   * Histogram: cumulative number of observations (becomes `_count` and the `+Inf` bucket).
   * Return `null` for "no sample at t" to model gaps, late-starting or disappearing series.
   */
  value: (t: number) => number | null;
  /** Histogram only: finite `le` bounds (ascending; `+Inf` is added automatically). */
  buckets?: number[];
  /**
   * Histogram only: cumulative fraction (0..1) of observations <= `le`; must be
   * non-decreasing in `le`. Default: uniform over the buckets (bucket i holds 1/n of the rest).
   */
  distribution?: (le: number) => number;
  /**
   * Histogram only: cumulative `_sum` at t. Default: count(t) x mean, where the mean assumes
   * observations sit at the middle of their bucket (the +Inf bucket at the last finite bound).
   */
  sum?: (t: number) => number;
}

export interface Window {
  /** First sample time, unix seconds (inclusive). */
  start: number;
  /** Last sample time, unix seconds (inclusive when start + k*step hits it exactly). */
  end: number;
  stepSeconds: number;
}

/**
 * A window of `durationSeconds` ending at the most recent step boundary before now. Using
 * "now" (rather than a fixed epoch) keeps the data inside what a running server considers
 * recent, so its rule manager, which evaluates at wall-clock time, also sees the data.
 */
export function recentWindow(durationSeconds: number, stepSeconds = 15, nowMs = Date.now()): Window {
  const end = Math.floor(nowMs / 1000 / stepSeconds) * stepSeconds;
  return { start: end - durationSeconds, end, stepSeconds };
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** OpenMetrics number syntax: Go-parsable floats plus `NaN`, `+Inf`, `-Inf`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v); // JS shortest round-trip form, e.g. 1e-7, 0.25, 1234
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelSet(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function familyName(s: SyntheticSeries): string {
  return s.type === 'counter' ? s.name.replace(/_total$/, '') : s.name;
}

function validate(s: SyntheticSeries): void {
  if (!METRIC_NAME.test(s.name)) throw new Error(`invalid metric name ${JSON.stringify(s.name)}`);
  for (const k of Object.keys(s.labels ?? {})) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new Error(`${s.name}: invalid label name ${JSON.stringify(k)}`);
    if (s.type === 'histogram' && k === 'le') throw new Error(`${s.name}: histograms cannot carry their own "le" label`);
  }
  if (s.type === 'histogram') {
    const b = s.buckets ?? [];
    if (!b.length) throw new Error(`${s.name}: histogram needs buckets`);
    if (b.some((x, i) => !Number.isFinite(x) || (i > 0 && x <= b[i - 1]!))) {
      throw new Error(`${s.name}: buckets must be finite and strictly ascending`);
    }
  } else if (s.buckets || s.distribution || s.sum) {
    throw new Error(`${s.name}: buckets/distribution/sum only apply to histograms`);
  }
}

/** Cumulative fractions for each finite bucket, then 1 for +Inf. */
function cumulativeFractions(s: SyntheticSeries): number[] {
  const bounds = s.buckets!;
  const dist = s.distribution ?? ((le: number) => (bounds.indexOf(le) + 1) / bounds.length);
  const fr = bounds.map((le) => dist(le));
  fr.forEach((f, i) => {
    if (!(f >= 0 && f <= 1) || (i > 0 && f < fr[i - 1]!)) {
      throw new Error(`${s.name}: distribution must be non-decreasing within 0..1 (le=${bounds[i]} gave ${f})`);
    }
  });
  return [...fr, 1];
}

function meanObservation(bounds: number[], fr: number[]): number {
  let mean = 0;
  for (let i = 0; i < fr.length; i++) {
    const share = fr[i]! - (i ? fr[i - 1]! : 0);
    const lo = i ? bounds[i - 1]! : 0;
    const mid = i < bounds.length ? (lo + bounds[i]!) / 2 : bounds[bounds.length - 1]!;
    mean += share * mid;
  }
  return mean;
}

function timestamps(w: Window): number[] {
  if (!(w.stepSeconds > 0) || w.end < w.start) throw new Error(`bad window ${JSON.stringify(w)}`);
  const out: number[] = [];
  // Integer index avoids float drift with fractional steps.
  for (let i = 0; w.start + i * w.stepSeconds <= w.end; i++) out.push(w.start + i * w.stepSeconds);
  return out;
}

function seriesLines(s: SyntheticSeries, ts: number[]): string[] {
  const family = familyName(s);
  const labels = s.labels ?? {};
  const lines: string[] = [];
  if (s.type !== 'histogram') {
    const name = s.type === 'counter' ? `${family}_total` : family;
    const ls = labelSet(labels);
    for (const t of ts) {
      const v = s.value(t);
      if (v !== null) lines.push(`${name}${ls} ${formatValue(v)} ${t}`);
    }
    return lines;
  }
  const bounds = s.buckets!;
  const fr = cumulativeFractions(s);
  const mean = meanObservation(bounds, fr);
  const les = [...bounds.map(formatValue), '+Inf'];
  const countLs = labelSet(labels);
  for (const t of ts) {
    const count = s.value(t);
    if (count === null) continue;
    // One OpenMetrics "MetricPoint": all buckets, then count and sum, at the same timestamp.
    les.forEach((le, i) => lines.push(`${family}_bucket${labelSet({ ...labels, le })} ${formatValue(count * fr[i]!)} ${t}`));
    lines.push(`${family}_count${countLs} ${formatValue(count)} ${t}`);
    lines.push(`${family}_sum${countLs} ${formatValue(s.sum ? s.sum(t) : count * mean)} ${t}`);
  }
  return lines;
}

/**
 * Renders `series` sampled every `stepSeconds` over [start, end]. Several entries may share a
 * family (different labels); they are grouped so the family stays contiguous, taking HELP from
 * the first entry that has one. Mixing types within a family is an error.
 */
export function openMetrics(series: SyntheticSeries[], window: Window): string {
  const ts = timestamps(window);
  const families = new Map<string, SyntheticSeries[]>();
  for (const s of series) {
    validate(s);
    const fam = familyName(s);
    const group = families.get(fam) ?? [];
    if (group.length && group[0]!.type !== s.type) {
      throw new Error(`metric family ${fam} declared as both ${group[0]!.type} and ${s.type}`);
    }
    group.push(s);
    families.set(fam, group);
  }
  const out: string[] = [];
  for (const [fam, group] of families) {
    const help = group.find((s) => s.help)?.help;
    if (help) out.push(`# HELP ${fam} ${escapeHelp(help)}`);
    out.push(`# TYPE ${fam} ${group[0]!.type}`);
    for (const s of group) out.push(...seriesLines(s, ts));
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

/**
 * First and last sample timestamps (unix seconds) in OpenMetrics text, or null if it has no
 * timestamped samples. Lets the server report where the data ends without extra bookkeeping.
 */
export function sampleTimeRange(text: string): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    // Skip the series part; label values may contain spaces, so find the closing brace
    // outside quotes instead of splitting on whitespace.
    let i = 0;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    if (brace !== -1 && (space === -1 || brace < space)) {
      let quoted = false;
      for (i = brace + 1; i < line.length; i++) {
        const c = line[i];
        if (c === '\\') i++;
        else if (c === '"') quoted = !quoted;
        else if (c === '}' && !quoted) break;
      }
      i++;
    } else {
      i = space;
    }
    const rest = line.slice(i).split(' # ')[0]!.trim().split(/\s+/); // drop exemplars
    if (rest.length < 2) continue;
    const t = Number(rest[1]);
    if (Number.isFinite(t)) {
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
  }
  return max === -Infinity ? null : { min, max };
}
