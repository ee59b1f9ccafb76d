/**
 * Kubernetes object names. Namespaces, Services and most other names must be DNS labels
 * (RFC 1123): lower-case alphanumerics and "-", starting and ending alphanumeric, at most 63.
 */
import { invalid } from '../invalid';

export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws an InvalidError of `subject` at `field` unless `name` is a valid DNS label. */
export function requireDnsLabel(subject: string, field: string, name: string): string {
  if (!DNS_LABEL.test(name)) {
    invalid(subject, field, name, 'use a valid Kubernetes name: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "agentaskit-production"');
  }
  return name;
}
