/**
 * Starts the one live cluster every suite in test/cluster/ shares, and synthesizes every
 * environment into it folder with the README's own command (`node build/stacks/main.js`, which
 * `npm run synth` runs), so the suites apply exactly what a user would.
 */
import { startCluster } from '../../scripts/cluster/cluster';
import { clusterDir, isRunning, readState } from '../../scripts/cluster/control-plane';
import { LIVE, synthesizeAll } from '../support/live-cluster';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // While developing a suite: AGENTASKIT_KEEP_CLUSTER=1 keeps the cluster after a run and the next
  // run reuses it (state and all). CI never sets it: every run starts from an empty cluster.
  const kept = readState(clusterDir({ name: LIVE.clusterName }));
  const keep = process.env.AGENTASKIT_KEEP_CLUSTER === '1';
  if (keep && kept && Object.values(isRunning(kept)).every(Boolean)) {
    synthesizeAll();
    console.log(`[cluster] reusing the kept cluster ${kept.server}`);
    return;
  }
  const state = await startCluster({
    name: LIVE.clusterName,
    // Kept clusters outlive the run; otherwise the cluster dies with the test process, however it ends.
    ownerPid: keep ? undefined : process.pid,
    podStartSeconds: LIVE.podStartSeconds,
    controllerApiQps: LIVE.controllerApiQps,
    podDrainSeconds: LIVE.podDrainSeconds,
    neverReadyImages: [LIVE.neverReadyAgentImage, LIVE.neverReadyOrchestratorImage],
    log: (line) => console.log(`[cluster] ${line}`),
  });
  synthesizeAll();
  console.log(
    `[cluster] ${state.version} up in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${Object.entries(state.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}); ` +
      `pods start in ${LIVE.podStartSeconds} s and drain in ${LIVE.podDrainSeconds} s (time scale 1/${LIVE.timeScale})`,
  );
}
