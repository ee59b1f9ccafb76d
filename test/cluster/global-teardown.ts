/** Stops the shared live cluster; fails the run if any process or port of it is left behind. */
import { clusterDir, down } from '../../scripts/cluster/control-plane';
import { LIVE } from '../support/live-cluster';
import { readMeasurements } from '../support/live-report';

export default async function globalTeardown(): Promise<void> {
  const figures = readMeasurements();
  if (figures.length) console.log(`\n[cluster] measurements:\n${figures.map((l) => `  ${l}`).join('\n')}`);
  if (process.env.AGENTASKIT_KEEP_CLUSTER === '1') {
    console.log(`[cluster] kept running (AGENTASKIT_KEEP_CLUSTER=1): npm run cluster -- down --name ${LIVE.clusterName}`);
    return;
  }
  const { stopped, portsLeft } = await down(clusterDir({ name: LIVE.clusterName }));
  if (portsLeft.length) throw new Error(`live cluster stopped ${stopped} processes but ports ${portsLeft.join(', ')} are still open`);
  console.log(`[cluster] stopped ${stopped} processes; no port left open`);
}
