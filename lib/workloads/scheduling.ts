import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { selectorLabels } from './labels';

/** What the pod template's scheduling patches read (HardenedDeploymentProps, of which these are a part). */
export interface SchedulingProps {
  /** The workload's name: its pods are selected by `app: <name>`. */
  readonly name: string;
  /** Zone spread as a hard rule (`DoNotSchedule`), else a preference. @default true */
  readonly requireZoneSpread?: boolean;
  /** @default - the cluster default priority */
  readonly priorityClassName?: string;
}

/**
 * cdk8s-plus-28 has no field for topologySpreadConstraints (its `spread` option writes
 * pod anti-affinity, which does not balance 900 pods over zones) nor for priorityClassName,
 * so both are patched onto the pod template. cdk8s-plus also stamps every pod with a
 * `cdk8s.io/metadata.addr` label that nothing here selects on; it is removed so pod labels stay
 * the documented set and do not change when a construct is moved in the tree.
 */
export function addSchedulingPatches(deployment: kplus.Deployment, props: SchedulingProps): void {
  const matchLabels = selectorLabels(props.name);
  const constraint = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels },
    // Spread each ReplicaSet revision on its own, so a rollout does not skew the new pods.
    matchLabelKeys: ['pod-template-hash'],
  });
  const patches = [
    JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
      constraint('topology.kubernetes.io/zone', props.requireZoneSpread ?? true ? 'DoNotSchedule' : 'ScheduleAnyway'),
      constraint('kubernetes.io/hostname', 'ScheduleAnyway'),
    ]),
  ];
  if (props.priorityClassName) {
    patches.push(JsonPatch.add('/spec/template/spec/priorityClassName', props.priorityClassName));
  }
  ApiObject.of(deployment).addJsonPatch(...patches);
}
