// Jest reporter: when IOCFLOW_JEST_RESULTS names a folder, writes this run's totals there so
// scripts/test.sh can print one closing line for all projects. Does nothing otherwise.
const fs = require('node:fs');
const path = require('node:path');

class JestResultsReporter {
  onRunComplete(_contexts, results) {
    const dir = process.env.IOCFLOW_JEST_RESULTS;
    if (!dir) return;
    const totals = {
      numPassedTests: results.numPassedTests,
      numFailedTests: results.numFailedTests,
      numFailedTestSuites: results.numFailedTestSuites,
      numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
      numTotalTests: results.numTotalTests,
    };
    fs.writeFileSync(path.join(dir, `jest-${process.pid}-${Date.now()}.json`), JSON.stringify(totals));
  }
}
module.exports = JestResultsReporter;
