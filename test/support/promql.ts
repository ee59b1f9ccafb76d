/**
 * PromQL checks for the fast unit tests: every expression we ship must parse, and may use only
 * series named in the metrics contract (lib/metrics-contract.ts).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { MetricDefinition, METRICS } from '../../lib/metrics-contract';
import { RECORDED } from '../../lib/observability/rules/recording-rules';
import { sloWindows } from '../../lib/observability/slo';

export interface ParsedPromql {
  /** Parse errors as `offset N: near "…"`; empty when the expression is valid. */
  readonly errors: readonly string[];
  /** Metric names the expression selects (`foo{…}` and `{__name__="foo"}`). */
  readonly metricNames: readonly string[];
}

/**
 * Every series name a PromQL expression may use: counters and gauges by name, histograms by
 * their `_bucket`, `_sum` and `_count` series.
 */
export function seriesNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of Object.values(METRICS) as MetricDefinition[]) {
    if (metric.type === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    } else {
      names.add(metric.name);
    }
  }
  return names;
}

/** Every name in RECORDED (the error ratio once per SLO window), for the metric-name checks. */
export function recordedNames(): string[] {
  const fixed: string[] = Object.values(RECORDED).flatMap((v) => (typeof v === 'string' ? [v] : []));
  return [...sloWindows().map(RECORDED.apiErrorRatio), ...fixed];
}

export function parsePromql(expr: string): ParsedPromql {
  const errors: string[] = [];
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(`offset ${node.from}: near "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
      } else if (node.type.name === 'VectorSelector') {
        const first = node.node.firstChild;
        if (first?.type.name === 'Identifier') names.add(expr.slice(first.from, first.to));
      } else if (node.type.name === 'LabelMatcher' || node.type.name === 'UnquotedLabelMatcher' || node.type.name === 'QuotedLabelMatcher') {
        const text = expr.slice(node.from, node.to);
        const match = /^__name__\s*=\s*"([^"]+)"$/.exec(text);
        if (match?.[1]) names.add(match[1]);
      }
    },
  });
  return { errors, metricNames: [...names].sort() };
}

/**
 * Names in `expr` that are neither contract series nor recording rules we define.
 * `recorded` lists recording-rule names (`level:metric:operations`) that expressions may use.
 */
export function unknownMetricNames(expr: string, recorded: Iterable<string> = []): string[] {
  const known = seriesNames();
  for (const name of recorded) known.add(name);
  return parsePromql(expr).metricNames.filter((name) => !known.has(name));
}

/** Replaces Grafana's template variables with values Prometheus accepts, for parsing and querying. */
export function substituteGrafanaVariables(expr: string, values: Readonly<Record<string, string>> = {}): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_, braced: string | undefined, plain: string | undefined) => {
      const name = (braced ?? plain)!;
      return values[name] ?? `$${name}`;
    });
}

/** A vector selector of an expression: the metric it names and the labels it matches on. */
export interface VectorSelectorUse {
  readonly name: string;
  readonly labels: readonly string[];
}

/** Every vector selector of `expr` that names its metric (`foo{…}`). */
export function vectorSelectors(expr: string): VectorSelectorUse[] {
  const out: VectorSelectorUse[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.name !== 'VectorSelector') return;
      const first = node.node.firstChild;
      if (first?.type.name !== 'Identifier') return;
      const labels = node.node.getChildren('LabelMatchers').flatMap((m) => m.getChildren('UnquotedLabelMatcher')).map((m) => {
        const label = m.getChild('LabelName')!;
        return expr.slice(label.from, label.to);
      });
      out.push({ name: expr.slice(first.from, first.to), labels });
    },
  });
  return out;
}

/**
 * The labels the result of `expr` keeps, as its outermost aggregations say: the `by (…)` labels
 * they all share (aggregations inside another are dropped by it), without `le` under
 * histogram_quantile, which consumes it. Undefined when an outermost aggregation has no `by`, or
 * there is none: then the expression does not say, and a check must not guess.
 */
export function groupingLabels(expr: string): Set<string> | undefined {
  let shared: Set<string> | undefined;
  let unknown = false;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.name !== 'AggregateExpr') return undefined;
      const modifier = node.node.getChild('AggregateModifier');
      const labels = modifier?.getChild('By') ? (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((l) => expr.slice(l.from, l.to)) : undefined;
      if (!labels) unknown = true;
      else {
        let underQuantile = false;
        for (let p = node.node.parent; p; p = p.parent) if (p.type.name === 'FunctionCall' && p.getChild('FunctionIdentifier')?.getChild('HistogramQuantile')) underQuantile = true;
        const kept = new Set(labels.filter((l) => !(underQuantile && l === 'le')));
        shared = shared ? new Set([...shared].filter((l) => kept.has(l))) : kept;
      }
      return false; // what is inside an aggregation does not reach the result
    },
  });
  return unknown ? undefined : shared;
}
