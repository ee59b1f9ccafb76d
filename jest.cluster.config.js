// `npm run test:cluster`: the live-cluster suites in test/cluster/, run one file at a time in
// file-name order against one cluster that global-setup.ts starts and global-teardown.ts stops.
const base = require('./package.json').jest;

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  // package.json's unit-test config ignores test/cluster/; here it is the whole suite.
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  testSequencer: '<rootDir>/test/cluster/sequencer.js',
  maxWorkers: 1,
  // Live operations (928 pods, rollouts) take minutes at the default time scale (1/10), and ten
  // times as long at real speed (AGENTASKIT_CLUSTER_TIME_SCALE=1); each test still sets its own bound.
  testTimeout: 15 * 60 * 1000 * Math.max(1, 10 / Number(process.env.AGENTASKIT_CLUSTER_TIME_SCALE || 10)),
};
