/**
 * Reading what the shipped dashboards query: the dashboards as the chart ships them (ConfigMap
 * data of a synthesized environment), and every panel target with its expression.
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { GRAFANA_DASHBOARD_LABEL } from '../../../../lib/observability/dashboard-config-maps';
import { loadEnvironment } from '../../../../stacks/environments';
import { synthesizeEnvironment, SynthesizedEnvironment } from '../../../../stacks/synth';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

/** The dashboard JSON the environment's ConfigMaps carry, by uid. */
export function shippedDashboards(env: SynthesizedEnvironment = synthesizeEnvironment(loadEnvironment('production'))): Map<string, Dashboard> {
  const out = new Map<string, Dashboard>();
  for (const object of env.objects) {
    const labels = (object.metadata.labels ?? {}) as Record<string, string>;
    if (object.kind !== 'ConfigMap' || !(GRAFANA_DASHBOARD_LABEL in labels)) continue;
    for (const json of Object.values(object.data as Record<string, string>)) {
      const dashboard = JSON.parse(json) as Dashboard;
      out.set(dashboard.uid!, dashboard);
    }
  }
  return out;
}

/** Every target of every panel (rows included), with where it comes from for failure messages. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...((p as { panels?: typeof p[] }).panels ?? [])]);
  return panels.flatMap((panel) =>
    ((panel as { targets?: Array<{ refId?: string; expr?: string }> }).targets ?? []).map((t) => ({
      dashboard: dashboard.uid!,
      panel: (panel as { title?: string }).title ?? '?',
      refId: t.refId ?? '?',
      expr: t.expr ?? '',
    })),
  );
}
