/**
 * Debian's Alertmanager (0.25, extracted by `npm run tools`) on loopback, with its packaged
 * templates.
 *
 * Debian builds Alertmanager without its embedded assets and reads the default notification
 * templates from /usr/share/prometheus/alertmanager/default.tmpl, a path compiled in: a config
 * `templates:` entry is read in addition, not instead, so without the file every notification
 * fails ("failed to parse templates: open /usr/share/prometheus/alertmanager/default.tmpl").
 * `npm run tools` extracts the package without installing it, so the file is under
 * .tools/deb/usr/share/. Alertmanager therefore runs in a mount namespace of its own in which
 * /usr/share is an overlay of the host's /usr/share (on top) and the package's usr/share (below):
 * the package's files appear where the binary looks, for this process only; the host is untouched.
 * That needs root or unprivileged user namespaces (`unshare -m`, else `unshare -r -m`).
 *
 * Gossip (HA clustering) is off (`--cluster.listen-address=`), so the only port is the web one.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../scripts/cluster/processes';
import { httpOk, Program, startProgram } from './programs';
import { run, toolPath, toolsDir } from './tools';

export interface AlertmanagerServer {
  readonly url: string;
  readonly hostPort: string;
  readonly program: Program;
  /** POST /api/v2/alerts. */
  postAlerts(alerts: ReadonlyArray<{ labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }>): Promise<void>;
  /** GET /api/v2/alerts (with inhibited and silenced ones). */
  alerts(): Promise<Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>>;
  stop(): Promise<void>;
}

/** The unshare prefix that can make a private mount namespace here, or why none can. */
function mountNamespacePrefix(): string[] | string {
  for (const prefix of [['unshare', '-m', '--propagation', 'private'], ['unshare', '-r', '-m', '--propagation', 'private']]) {
    const res = spawnSync(prefix[0], [...prefix.slice(1), 'true'], { encoding: 'utf8' });
    if (res.status === 0) return prefix;
  }
  return spawnSync('unshare', ['-m', 'true'], { encoding: 'utf8' }).stderr?.trim() || 'unshare not found';
}

export async function startAlertmanager(configYaml: string): Promise<AlertmanagerServer> {
  const bin = toolPath('alertmanager');
  const share = path.join(toolsDir(), 'deb', 'usr', 'share');
  const template = path.join(share, 'prometheus', 'alertmanager', 'default.tmpl');
  if (!fs.existsSync(template)) throw new Error(`${template} missing: run \`npm run tools\` (extracts Debian's prometheus-alertmanager package with its templates)`);
  const prefix = mountNamespacePrefix();
  if (typeof prefix === 'string') {
    throw new Error(
      `Debian's alertmanager reads its templates from /usr/share/prometheus/alertmanager (compiled in); to show it the extracted ${share} ` +
        `without installing anything it runs in a private mount namespace, which this machine refuses (${prefix}). Run as root, allow ` +
        'unprivileged user namespaces, or install the prometheus-alertmanager package.',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-am-'));
  const configFile = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(configFile, configYaml);
  const check = run('amtool', ['check-config', configFile]);
  if (check.code !== 0) throw new Error(`amtool check-config rejects the Alertmanager config:\n${check.stdout}${check.stderr}\n${configYaml}`);
  const port = await freePort();
  const script = `mount -t overlay overlay -o lowerdir=/usr/share:${share} /usr/share && exec "$0" "$@"`;
  const program = await startProgram({
    name: 'alertmanager',
    bin: prefix[0],
    args: [
      ...prefix.slice(1), 'sh', '-c', script, bin,
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    ports: [port],
    ready: () => httpOk(`http://127.0.0.1:${port}/-/ready`),
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    hostPort: `127.0.0.1:${port}`,
    program,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
    },
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      return (await res.json()) as never;
    },
    async stop() {
      await program.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
