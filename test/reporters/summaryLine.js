/**
 * Ends every jest run with one plain line, "jest: N passed, N failed, N skipped", which CI reads to tell a
 * run that tested something from one that tested nothing.
 */
class SummaryLineReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
		// After jest's own summary, which goes to stderr; stdout too, for readers of stdout only
		process.stderr.write(line);
		process.stdout.write(line);
	}
}

module.exports = SummaryLineReporter;
