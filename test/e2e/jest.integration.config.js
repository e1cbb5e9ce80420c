// Integration tier: real Kafka, memcached and Elasticsearch from `npm run stack:up`; nothing mocked.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'e2e:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 180000,
};
