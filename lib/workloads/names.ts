/**
 * Kubernetes object names. Namespaces, Services and most other names must be DNS labels
 * (RFC 1123): lower-case alphanumerics and "-", starting and ending alphanumeric, at most 63.
 */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws a descriptive error unless `name` is a valid DNS label. */
export function requireDnsLabel(field: string, name: string): string {
  if (!DNS_LABEL.test(name)) {
    throw new Error(
      `${field}: "${name}" is not a valid Kubernetes name. Fix: use at most 63 lower-case letters, ` +
        'digits and "-", starting and ending with a letter or digit, e.g. "agentaskit-production".',
    );
  }
  return name;
}
