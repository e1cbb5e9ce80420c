// Adds up the Jest JSON reports of every project into the closing line CI reads:
// "N passed, N failed". A project whose report is missing counts as a failure.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let suitesFailed = 0;
for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json'))) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  suitesFailed += report.numFailedTestSuites + (report.numRuntimeErrorTestSuites ?? 0);
  if (report.numFailedTests > 0 || report.numFailedTestSuites > 0) console.log(`failures in ${file}`);
}
if (suitesFailed > failed) failed = suitesFailed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
