import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/monitoring.coreos.com';
import { invalidProp } from '../invalid';
import { APP_LABEL } from '../runbook';
import { componentLabels } from '../workloads/labels';
import { PortName } from '../workloads/pod-defaults';
import { COMPONENT_LABEL, SCRAPE_INTERVAL_SECONDS } from '../metrics-contract';

/** Props of {@link WorkloadPodMonitor}. */
export interface WorkloadPodMonitorProps {
  /** Component name: the PodMonitor's name and the `component` value of its series. */
  readonly component: string;
  /**
   * `app` label values of the component's pods: with Flagger both `<name>` and `<name>-primary`
   * (see appLabelValues in lib/workloads/labels.ts).
   */
  readonly appLabelValues: readonly string[];
  /** Labels the Prometheus selects monitors by (kube-prometheus-stack: `release: <release>`). @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** @default `${SCRAPE_INTERVAL_SECONDS}s` */
  readonly interval?: string;
}

/**
 * Scrapes a component's pods on their `metrics` port. A PodMonitor, not a ServiceMonitor: under
 * Flagger the Services `orchestrator` and `orchestrator-primary` both select the primary pods,
 * so a ServiceMonitor would scrape (and count) them twice. The pod's `app.kubernetes.io/name`
 * becomes the `component` label every contract series carries, identical for primary and canary.
 */
export class WorkloadPodMonitor extends Construct {
  public readonly monitor: PodMonitor;

  constructor(scope: Construct, id: string, props: WorkloadPodMonitorProps) {
    super(scope, id);
    if (props.appLabelValues.length === 0) {
      invalidProp(this, 'appLabelValues', props.appLabelValues, `pass the pods' app label values, e.g. appLabelValues("${props.component}")`);
    }
    const metricsPort: PortName = 'metrics';
    this.monitor = new PodMonitor(this, 'Resource', {
      metadata: {
        name: props.component,
        labels: { ...componentLabels(props.component, 'monitoring'), ...props.selectorLabels },
      },
      spec: {
        selector: { matchExpressions: [{ key: APP_LABEL, operator: 'In', values: [...props.appLabelValues] }] },
        podMetricsEndpoints: [
          {
            port: metricsPort,
            interval: props.interval ?? `${SCRAPE_INTERVAL_SECONDS}s`,
            relabelings: [
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
                targetLabel: COMPONENT_LABEL,
              },
            ],
          },
        ],
      },
    });
  }
}
