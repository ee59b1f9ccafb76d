// Ends the test output with one plain line, `tests: N passed, N failed[, N skipped]`, that any
// CI log reader understands (jest's own summary puts the total where readers expect failures).
// It is printed when the process exits, so it comes after jest's summary, which jest prints
// after every custom reporter.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
module.exports = SummaryReporter;
