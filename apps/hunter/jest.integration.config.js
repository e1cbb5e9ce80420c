// Integration tier: real Kafka, memcached and Elasticsearch from `npm run stack:up`; nothing mocked.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'hunter:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/integration/**/*.integration-spec.ts'],
  testTimeout: 180000,
};
