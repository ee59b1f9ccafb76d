/**
 * PromQL checks for the fast unit tests: every expression we ship must parse, and may use only
 * series named in the metrics contract (lib/metrics-contract.ts).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { seriesNames } from '../../lib/metrics-contract';

export interface ParsedPromql {
  /** Parse errors as `offset N: near "…"`; empty when the expression is valid. */
  readonly errors: readonly string[];
  /** Metric names the expression selects (`foo{…}` and `{__name__="foo"}`). */
  readonly metricNames: readonly string[];
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
