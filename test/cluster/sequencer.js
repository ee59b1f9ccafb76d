// The live suites build on each other's cluster state (applied, scaled, rolled out): run them in
// file-name order (01-…, 02-…), one at a time.
const Sequencer = require('@jest/test-sequencer').default;

class ByName extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path));
  }
}
module.exports = ByName;
