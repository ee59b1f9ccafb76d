/**
 * Whether this process runs in a network namespace of its own with only loopback
 * (scripts/cluster/isolated.sh), read from /proc/self/net/dev: the interfaces of this process's
 * namespace (/sys/class/net shows the namespace that mounted sysfs, not ours).
 */
import * as fs from 'node:fs';

export function networkInterfaces(): string[] {
  const text = fs.readFileSync('/proc/self/net/dev', 'utf8');
  return text.split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
}

/** True when the only interface is `lo`: nothing outside this namespace can reach a port in it. */
export function loopbackOnly(): boolean {
  const ifs = networkInterfaces();
  return ifs.length === 1 && ifs[0] === 'lo';
}

/**
 * Throws unless the process is isolated. Flagger and the loadtester bind every interface and the
 * loadtester runs any command POSTed to it; they may only run where every interface is loopback.
 */
export function requireLoopbackOnlyNetwork(what: string): void {
  if (loopbackOnly()) return;
  throw new Error(
    `${what} listen on every interface (no bind flag) and the loadtester runs any shell command POSTed to it, ` +
      `so they run only inside a network namespace with nothing but loopback; this process sees ${networkInterfaces().join(', ')}. ` +
      'Run the suite as `npm run test:cluster` (jest inside scripts/cluster/isolated.sh), or ' +
      '`scripts/cluster/isolated.sh npx jest -c jest.cluster.config.js <files>`; it needs root or unprivileged user namespaces (unshare -n / unshare -r -n).',
  );
}
