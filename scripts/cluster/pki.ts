/**
 * Credentials of a throw-away local control plane: a CA, the API server's serving certificate
 * (valid for 127.0.0.1 and localhost only), the service-account signing key pair, and one bearer
 * token per client identity. Made with the `openssl` CLI (Node can make keys, not certificates).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Client identities and their groups; RBAC's bootstrap policy grants the components theirs. */
export const IDENTITIES = {
  admin: { user: 'agentaskit-admin', groups: ['system:masters'] },
  controllerManager: { user: 'system:kube-controller-manager', groups: [] },
  scheduler: { user: 'system:kube-scheduler', groups: [] },
  // kwok plays every kubelet: it writes node and pod status, so it gets cluster-admin rights.
  kwok: { user: 'agentaskit-kwok', groups: ['system:masters'] },
} as const;
export type Identity = keyof typeof IDENTITIES;

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  readonly tokenFile: string;
  readonly tokens: Readonly<Record<Identity, string>>;
}

function openssl(dir: string, args: readonly string[]): void {
  const res = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('openssl not found: the live cluster makes its certificates with it (apt-get install openssl)');
  }
  if (res.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${res.stderr}`);
}

/**
 * A throw-away self-signed serving certificate for `host` (a `kubernetes.io/tls` Secret's data), made
 * in a temporary folder that is removed again.
 */
export function selfSignedCertificate(host: string): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-tls-'));
  try {
    openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`, '-keyout', 'tls.key', '-out', 'tls.crt']);
    return { cert: fs.readFileSync(path.join(dir, 'tls.crt'), 'utf8'), key: fs.readFileSync(path.join(dir, 'tls.key'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a fresh PKI into `dir` (created if missing). */
export function createPki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string) => path.join(dir, f);
  const days = ['-days', '30'];
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', ...days, '-subj', '/CN=agentaskit-local-ca']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver']);
  // Loopback only: nothing else may reach this server, so no other name is valid for it.
  fs.writeFileSync(p('apiserver.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'apiserver.crt', ...days, '-extfile', 'apiserver.ext']);
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);

  const tokens = Object.fromEntries(Object.keys(IDENTITIES).map((id) => [id, randomBytes(24).toString('hex')])) as Record<Identity, string>;
  // --token-auth-file: token,user,uid,"group1,group2"
  const lines = (Object.keys(IDENTITIES) as Identity[]).map((id) => {
    const { user, groups } = IDENTITIES[id];
    return `${tokens[id]},${user},${user}${groups.length ? `,"${groups.join(',')}"` : ''}`;
  });
  fs.writeFileSync(p('tokens.csv'), lines.join('\n') + '\n', { mode: 0o600 });
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    serviceAccountKey: p('sa.key'),
    serviceAccountPub: p('sa.pub'),
    tokenFile: p('tokens.csv'),
    tokens,
  };
}

/** A kubeconfig for `identity` against `server`, trusting only the cluster's CA. */
export function kubeconfig(pki: Pki, server: string, identity: Identity, clusterName: string): string {
  const ca = fs.readFileSync(pki.caCert).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${clusterName}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${identity}`,
    '  user:',
    `    token: ${pki.tokens[identity]}`,
    'contexts:',
    `- name: ${clusterName}`,
    '  context:',
    `    cluster: ${clusterName}`,
    `    user: ${identity}`,
    `current-context: ${clusterName}`,
    '',
  ].join('\n');
}
