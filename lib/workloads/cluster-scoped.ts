import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Marks an object as cluster-scoped. cdk8s stamps every object of a namespaced chart with the
 * chart's namespace, which is meaningless (and misleading in review) on a Namespace or a
 * PriorityClass; the field is removed.
 */
export function clusterScoped<T extends IConstruct>(construct: T): T {
  const object = ApiObject.of(construct);
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return construct;
}
