import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from '../invalid';

/** Label the Grafana dashboard sidecar selects ConfigMaps by (kube-prometheus-stack default). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
/** Value of {@link GRAFANA_DASHBOARD_LABEL}. */
export const GRAFANA_DASHBOARD_LABEL_VALUE = '1';
/**
 * Annotation naming the Grafana folder. The Grafana chart's sidecar reads it only when
 * `sidecar.dashboards.folderAnnotation` is set to this key (the chart's default is none); see
 * docs/dashboards.md.
 */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';
/** ConfigMap name of a dashboard: `grafana-dashboard-<uid>`. */
export const DASHBOARD_CONFIG_MAP_PREFIX = 'grafana-dashboard-';

/**
 * `kubectl apply` (client-side) stores the whole object in an annotation limited to 256 KiB;
 * a bigger dashboard would be rejected at apply time, so it is rejected at synth time.
 */
const MAX_DASHBOARD_BYTES = 256 * 1024 - 8 * 1024;
/** Grafana's uid rule (1–40 of letters, digits, `-`, `_`), narrowed to what a ConfigMap name allows. */
const UID = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Props of {@link DashboardConfigMaps}. */
export interface DashboardConfigMapsProps {
  /** Dashboards (foundation SDK models) to ship, one ConfigMap each; their uids name the ConfigMaps and data keys. */
  readonly dashboards: readonly Dashboard[];
  /**
   * Grafana folder the dashboards appear in.
   * @default 'AgentasKit'
   */
  readonly folder?: string;
  /**
   * Extra labels, e.g. what a Grafana sidecar with a narrower selector requires.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Serializes a dashboard as Grafana JSON with keys in sorted order at every level, two-space
 * indented and newline-terminated: the same model always gives the same bytes, whatever order
 * the SDK happened to set fields in.
 */
export function dashboardJson(dashboard: Dashboard): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
    }
    return value;
  };
  return `${JSON.stringify(sortKeys(dashboard), null, 2)}\n`;
}

/**
 * Grafana dashboards as ConfigMaps for the Grafana sidecar (k8s-sidecar, as deployed by the
 * Grafana and kube-prometheus-stack charts): each ConfigMap `grafana-dashboard-<uid>` is
 * labelled `grafana_dashboard: "1"`, annotated with its folder, and holds `<uid>.json`.
 * They live in the chart's namespace; the sidecar must search all namespaces
 * (`sidecar.dashboards.searchNamespace: ALL`) to find them.
 */
export class DashboardConfigMaps extends Construct {
  /** The ConfigMaps, by dashboard uid. */
  public readonly configMaps: ReadonlyMap<string, kplus.ConfigMap>;

  constructor(scope: Construct, id: string, props: DashboardConfigMapsProps) {
    super(scope, id);
    const folder = props.folder ?? 'AgentasKit';
    if (folder.trim() === '' || folder.includes('/')) invalidProp(this, 'folder', folder, 'use a folder name: not empty, without "/", e.g. "AgentasKit"');
    if (props.dashboards.length === 0) invalidProp(this, 'dashboards', props.dashboards, 'pass at least one dashboard, or do not create the construct');
    const configMaps = new Map<string, kplus.ConfigMap>();
    for (const [i, dashboard] of props.dashboards.entries()) {
      const uid = dashboard.uid;
      if (typeof uid !== 'string' || !UID.test(uid)) {
        invalidProp(this, `dashboards[${i}].uid`, uid, 'use a uid that can name a ConfigMap: 1-40 lowercase letters, digits and "-", starting and ending with a letter or digit (e.g. "orchestrator")');
      }
      if (configMaps.has(uid)) invalidProp(this, `dashboards[${i}].uid`, uid, 'give each dashboard its own uid: an earlier one has this uid');
      const json = dashboardJson(dashboard);
      const bytes = Buffer.byteLength(json);
      if (bytes > MAX_DASHBOARD_BYTES) {
        invalidProp(this, `dashboards[${i}]`, uid, `it is ${bytes} bytes; keep it under ${MAX_DASHBOARD_BYTES} (kubectl apply's annotation limit) by splitting it`);
      }
      // Construct id = uid: stable, and unique because uids are.
      configMaps.set(uid, new kplus.ConfigMap(this, uid, {
        metadata: {
          name: `${DASHBOARD_CONFIG_MAP_PREFIX}${uid}`,
          labels: { ...props.labels, [GRAFANA_DASHBOARD_LABEL]: GRAFANA_DASHBOARD_LABEL_VALUE },
          annotations: { [GRAFANA_FOLDER_ANNOTATION]: folder },
        },
        data: { [`${uid}.json`]: json },
      }));
    }
    this.configMaps = configMaps;
  }
}
