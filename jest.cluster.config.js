// `npm run test:cluster`: the live-cluster suites in test/cluster/, run one file at a time in
// file-name order against one cluster that global-setup.ts starts and global-teardown.ts stops.
const base = require('./package.json').jest;

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  // The live Flagger and alerting suites (test/cluster/2x-, 3x-) run with `npm run
  // test:cluster:canary` (AGENTASKIT_CLUSTER_CANARY=1). Left out of `npm run test:cluster` (CI)
  // until all three are green (issue 11): 30-'s late resolution notices were the harness
  // blocking its own receivers (docs/live-cluster.md, "Live canary and live alerting"); 20- and
  // 21- have not been re-run since their last change.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.AGENTASKIT_CLUSTER_CANARY === '1' ? [] : ['/test/cluster/[23][0-9]-']),
  ],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  testSequencer: '<rootDir>/test/cluster/sequencer.js',
  maxWorkers: 1,
  // Live operations (928 pods, rollouts) take minutes at the default time scale (1/10), and ten
  // times as long at real speed (AGENTASKIT_CLUSTER_TIME_SCALE=1); each test still sets its own bound.
  testTimeout: 15 * 60 * 1000 * Math.max(1, 10 / Number(process.env.AGENTASKIT_CLUSTER_TIME_SCALE || 10)),
};
