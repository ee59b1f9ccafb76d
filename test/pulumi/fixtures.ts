/**
 * An object of an obviously fictional kind (no chart will ever synthesize `example.agentaskit.io`
 * Widgets), to prove the Pulumi program handles kinds it has no code for: registered as a
 * CustomResource and ordered after what its pod template reads.
 */
import { ManifestObject } from '../../stacks/synth';

export const WIDGET_API_VERSION = 'example.agentaskit.io/v1';

/** A Widget in `namespace` whose pod template reads Secret `secretName` and ConfigMap `configMapName`. */
export function widget(namespace: string, secretName: string, configMapName: string): ManifestObject {
  return {
    apiVersion: WIDGET_API_VERSION,
    kind: 'Widget',
    metadata: { name: 'gizmo', namespace },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'gizmo', image: 'example.invalid/gizmo:1.0.0', envFrom: [{ secretRef: { name: secretName } }] }],
          volumes: [{ name: 'config', configMap: { name: configMapName } }],
        },
      },
    },
  };
}
