/**
 * What the three runbook dashboards share: the datasource and namespace variables, PromQL
 * selector helpers, the panel kinds they use, and the assembly that makes the JSON deterministic
 * (panel ids and query refIds by position, no timestamps, no generated ids).
 *
 * Dashboards name metrics only through the metrics contract (lib/metrics-contract.ts) and,
 * where a recording rule computes what a panel shows, read the recorded series (RECORDED in
 * rules/recording-rules.ts): the value the alert on it fires on, computed once by Prometheus.
 * Thresholds come from their options (the environment's config), never from literals.
 */
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  Dashboard,
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  MappingType,
  Panel,
  QueryVariableBuilder,
  Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  ValueMap,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { COMPONENT_LABEL, METRICS } from '../../metrics-contract';
import { RECORDED } from '../rules/recording-rules';
import { Matchers, selector as promSelector } from '../../promql';
import { DashboardKey, DASHBOARDS, RUNBOOK_ID } from '../../runbook';

/** Tags every dashboard carries; the dashboards link to each other through the first one. */
export const DASHBOARD_TAGS: readonly string[] = ['agentaskit', RUNBOOK_ID.toLowerCase()];

/** Name of the datasource variable (also what kube-prometheus-stack's own dashboards call it). */
export const DATASOURCE_VARIABLE = 'datasource';
/** Name of the namespace variable every query filters by. */
export const NAMESPACE_VARIABLE = 'namespace';

/** Every panel and query reads from the datasource the variable selects. */
const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/** Options every dashboard takes. */
export interface BaseDashboardOptions {
  /** Namespace the namespace variable selects when the dashboard opens: the environment's. */
  readonly namespace: string;
}

// ---- PromQL ------------------------------------------------------------------------------------

/** A label matcher value: a string matches exactly, a list any of its values, `{ regex }` a pattern. */
export type MatcherValue = string | readonly string[] | { readonly regex: string };

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A selector of `metric` in the dashboard's namespace, e.g.
 * `agentaskit_agents{namespace="$namespace", component="agent-manager"}`.
 */
export function selector(metric: string, matchers: Readonly<Record<string, MatcherValue>> = {}): string {
  const promMatchers: Record<string, Matchers[string]> = { [NAMESPACE_VARIABLE]: `$${NAMESPACE_VARIABLE}` };
  for (const [label, value] of Object.entries(matchers)) {
    promMatchers[label] = typeof value === 'string' || 'regex' in value
      ? value
      : value.length === 1 ? value[0]! : { regex: value.map(escapeRegex).join('|') };
  }
  return promSelector(metric, promMatchers);
}

/** Selector of series a workload exposes itself (they carry the component target label). */
export function componentSelector(metric: string, component: string, matchers: Readonly<Record<string, MatcherValue>> = {}): string {
  return selector(metric, { [COMPONENT_LABEL]: component, ...matchers });
}

/** `rate()` over Grafana's rate interval (at least four scrape intervals, so never empty). */
export function rate(seriesSelector: string): string {
  return `rate(${seriesSelector}[$__rate_interval])`;
}

/** The `quantile` of a histogram's `_bucket` series, aggregated across pods. */
export function histogramQuantile(quantile: number, bucketSelector: string): string {
  return `histogram_quantile(${quantile}, sum by (le) (${rate(bucketSelector)}))`;
}

// ---- panels ------------------------------------------------------------------------------------

/** One query of a panel and how its series are named in the legend. */
export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{state}}`. */
  readonly legend: string;
}

interface PanelCommon {
  readonly title: string;
  /** Shown as the panel's (i) tooltip: what the panel means and what to do about it. */
  readonly description: string;
  readonly queries: readonly Query[];
  /** Grafana unit id, e.g. `percent`, `ms`, `reqps`, `short`. @default 'short' */
  readonly unit?: string;
  /** Width in grid columns (of 24). */
  readonly width: number;
  /** @default 8 */
  readonly height?: number;
}

/** Props of {@link timeseriesPanel}. */
export interface TimeseriesPanelProps extends PanelCommon {
  /**
   * The runbook's limit for this signal, drawn as a line.
   * @default - no threshold
   */
  readonly threshold?: number;
  /**
   * Which side of `threshold` is bad: `above` (errors, latency: red from the limit up) or
   * `below` (capacity: red under the limit).
   * @default 'above'
   */
  readonly bad?: 'above' | 'below';
  /** Stack the series (parts of a whole, e.g. agents by state). @default false */
  readonly stacked?: boolean;
}

/** Thresholds: red on the bad side of `limit`, green on the other. Without a limit, all green. */
function thresholds(limit?: number, bad: 'above' | 'below' = 'above'): ThresholdsConfigBuilder {
  const [under, over] = bad === 'above' ? ['green', 'red'] : ['red', 'green'];
  const steps: Threshold[] = limit === undefined ? [{ value: null, color: 'green' }] : [{ value: null, color: under }, { value: limit, color: over }];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

function targets(queries: readonly Query[]): DataqueryBuilder[] {
  // refIds are assigned in order so the JSON never depends on the SDK's defaults.
  return queries.map((q, i) => new DataqueryBuilder().datasource(DATASOURCE).refId(String.fromCharCode(65 + i)).expr(q.expr).legendFormat(q.legend));
}

/** A time series panel; with `threshold`, the limit is drawn as a line. */
export function timeseriesPanel(props: TimeseriesPanelProps): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(props.title)
    .description(props.description)
    .datasource(DATASOURCE)
    .targets(targets(props.queries))
    .unit(props.unit ?? 'short')
    .min(0)
    .span(props.width)
    .height(props.height ?? 8)
    .fillOpacity(props.stacked ? 30 : 10)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .thresholds(thresholds(props.threshold, props.bad))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(props.threshold === undefined ? common.GraphThresholdsStyleMode.Off : common.GraphThresholdsStyleMode.Line));
  if (props.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return panel;
}

/** Props of {@link statPanel}. */
export interface StatPanelProps extends PanelCommon {
  /** Display text and colour per value (e.g. Flagger's status codes). @default - the number */
  readonly valueText?: Readonly<Record<number, { readonly text: string; readonly color: string }>>;
  /** @default - no threshold */
  readonly threshold?: number;
}

/** A single-value panel showing each query's latest value. */
export function statPanel(props: StatPanelProps): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .title(props.title)
    .description(props.description)
    .datasource(DATASOURCE)
    .targets(targets(props.queries))
    .unit(props.unit ?? 'short')
    .span(props.width)
    .height(props.height ?? 8)
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Background)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(thresholds(props.threshold));
  if (props.valueText) {
    const options: ValueMap['options'] = {};
    Object.entries(props.valueText).forEach(([value, { text, color }], index) => {
      options[value] = { text, color, index };
    });
    panel.mappings([{ type: MappingType.ValueToText, options }]);
  }
  return panel;
}

/** Replicas available vs desired of the named Deployments (kube-state-metrics). */
export function replicasPanel(title: string, deployments: readonly string[], width: number): timeseries.PanelBuilder {
  const matchers = { deployment: deployments };
  return timeseriesPanel({
    title,
    description:
      'Available vs desired replicas (kube-state-metrics). Available below desired for long means pods crash, ' +
      'cannot be scheduled or fail their readiness probe: `kubectl get pods -l app=<deployment>`.',
    queries: [
      { expr: `max by (deployment) (${selector(METRICS.deploymentReplicasAvailable.name, matchers)})`, legend: '{{deployment}} available' },
      { expr: `max by (deployment) (${selector(METRICS.deploymentReplicasDesired.name, matchers)})`, legend: '{{deployment}} desired' },
    ],
    width,
  });
}

/** Tasks waiting for an agent, as the orchestrator reports it. */
export function queueDepthPanel(width: number): timeseries.PanelBuilder {
  return timeseriesPanel({
    title: 'Task queue depth',
    description:
      'Tasks waiting for an agent. Growing while agents are unhealthy is the runbook\'s "Agent Pool Degraded"; ' +
      'growing with a healthy pool means the pool is too small for the load.',
    // Recorded as the max across pods: every orchestrator replica reports the one shared queue.
    queries: [{ expr: selector(RECORDED.taskQueueDepth), legend: 'queued tasks' }],
    width,
  });
}

// ---- assembly ----------------------------------------------------------------------------------

/** Props of {@link buildDashboard}. */
export interface DashboardProps {
  readonly key: DashboardKey;
  readonly description: string;
  /** Namespace the namespace variable starts on. */
  readonly namespace: string;
  /** A contract metric every namespace running the dashboard's component exposes. */
  readonly namespaceMetric: string;
  readonly panels: readonly cog.Builder<Panel>[];
}

/** The datasource variable: any Prometheus datasource, the default one first. */
function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus');
}

/** The namespace variable: namespaces where `metric` exists, starting on the environment's. */
function namespaceVariable(metric: string, namespace: string): QueryVariableBuilder {
  const query = `label_values(${metric}, ${NAMESPACE_VARIABLE})`;
  return new QueryVariableBuilder(NAMESPACE_VARIABLE)
    .label('Namespace')
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .current({ selected: true, text: namespace, value: namespace })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * Builds a runbook dashboard: uid and title from DASHBOARDS, the two variables, links to the
 * other runbook dashboards (keeping time range and namespace), and panels laid out left to
 * right in the given order, numbered by position.
 */
export function buildDashboard(props: DashboardProps): Dashboard {
  const { uid, title } = DASHBOARDS[props.key];
  const builder = new DashboardBuilder(title)
    .uid(uid)
    .description(props.description)
    .tags([...DASHBOARD_TAGS])
    .editable()
    .timezone('browser')
    .time({ from: 'now-3h', to: 'now' })
    .refresh('30s')
    // An empty list: Grafana adds its built-in "Annotations & Alerts" query on load.
    .annotations([])
    .withVariable(datasourceVariable())
    .withVariable(namespaceVariable(props.namespaceMetric, props.namespace))
    .link(
      new DashboardLinkBuilder('AgentasKit dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAGS[0]!])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true),
    );
  for (const panel of props.panels) builder.withPanel(panel);
  const dashboard = builder.build();
  // Stable ids by position: Grafana would otherwise assign them on load, and links to a
  // panel (`viewPanel=<id>`) would change from one import to the next.
  dashboard.panels?.forEach((panel, index) => {
    panel.id = index + 1;
  });
  return dashboard;
}
