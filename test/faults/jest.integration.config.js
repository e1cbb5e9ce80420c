// Fault-injection tier: the built services against the real Kafka, memcached and Elasticsearch,
// with faults injected on purpose. Short by default (CI, `npm test`); FAULTS_LONG=1 (`npm run
// test:faults`) runs more events, more kills, and the scenarios that stop the SHARED Kafka and
// Elasticsearch (never in the default path: other engineers test against the same stack).
const long = process.env.FAULTS_LONG === '1';
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: long ? 'faults:long' : 'faults:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/scenarios/**/*.faults-spec.ts'],
  // Every scenario file runs in both suites; the parts that restart the SHARED Kafka or stop the
  // SHARED Elasticsearch are inside `if (LONG)` in their files.
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
  testTimeout: long ? 1_800_000 : 300_000,
};
