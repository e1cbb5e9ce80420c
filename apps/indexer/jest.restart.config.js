// Disruptive tier: stops and restarts the shared local Elasticsearch (bash scripts/stack.sh).
// Its own target (indexer:integration-restart) so ordinary integration runs of other projects
// are not interrupted; run it alone. Real services, nothing mocked.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'indexer:restart',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/restart/**/*.restart-spec.ts'],
  testTimeout: 600000,
};
