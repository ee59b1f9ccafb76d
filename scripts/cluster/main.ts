/**
 * `npm run cluster -- up|down|status|kubeconfig [--name N] [--pod-start-seconds S] [--never-ready IMAGE]...`
 *
 * A live Kubernetes control plane on 127.0.0.1 (see control-plane.ts) for trying the manifests by
 * hand: `npm run cluster -- up`, then `export KUBECONFIG=$(npm run -s cluster -- kubeconfig)`.
 */
import { startCluster } from './cluster';
import { clusterDir, down, isRunning, readState } from './control-plane';

const USAGE =
  'usage: npm run cluster -- up|down|status|kubeconfig [--name <name>] [--pod-start-seconds <s>] [--never-ready <image>]...';

interface Args {
  command: string;
  name?: string;
  podStartSeconds?: number;
  neverReady: string[];
}

export function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (!command) throw new Error(`no command given\n${USAGE}`);
  if (!['up', 'down', 'status', 'kubeconfig'].includes(command)) throw new Error(`unknown command "${command}"\n${USAGE}`);
  const out: Args = { command, neverReady: [] };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!['--name', '--pod-start-seconds', '--never-ready'].includes(flag)) throw new Error(`unknown option "${flag}"\n${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    if (flag === '--name') {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) throw new Error(`--name "${value}": use lower-case letters, digits and dashes`);
      out.name = value;
    } else if (flag === '--pod-start-seconds') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--pod-start-seconds "${value}": use a number of seconds >= 0, e.g. 6`);
      out.podStartSeconds = n;
    } else out.neverReady.push(value);
  }
  return out;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const dir = clusterDir({ name: args.name });
  const state = readState(dir);
  switch (args.command) {
    case 'up': {
      const s = await startCluster({
        name: args.name,
        podStartSeconds: args.podStartSeconds,
        neverReadyImages: args.neverReady,
        log: (l) => console.error(l),
      });
      console.log(`cluster "${s.name}" up in ${s.timings.total.toFixed(1)} s: ${s.version} at ${s.server}`);
      console.log(`export KUBECONFIG=${s.kubeconfig}`);
      return 0;
    }
    case 'down': {
      const { stopped, portsLeft } = await down(dir);
      if (portsLeft.length) {
        console.error(`stopped ${stopped} processes, but ports ${portsLeft.join(', ')} still accept connections`);
        return 1;
      }
      console.log(state ? `cluster "${state.name}" stopped (${stopped} processes); no port left open` : `no cluster in ${dir}`);
      return 0;
    }
    case 'status': {
      if (!state) {
        console.log(`no cluster in ${dir} (start one with \`npm run cluster -- up\`)`);
        return 1;
      }
      const running = isRunning(state);
      for (const [c, ok] of Object.entries(running)) console.log(`${c.padEnd(24)} ${ok ? 'running' : 'STOPPED'}  pid ${state.pids[c as keyof typeof running]}`);
      console.log(`${state.version} at ${state.server}; kubeconfig ${state.kubeconfig}`);
      return Object.values(running).every(Boolean) ? 0 : 1;
    }
    default: {
      if (!state) {
        console.error(`no cluster in ${dir} (start one with \`npm run cluster -- up\`)`);
        return 1;
      }
      console.log(state.kubeconfig);
      return 0;
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`cluster: ${e.message}`);
      process.exit(1);
    },
  );
}
