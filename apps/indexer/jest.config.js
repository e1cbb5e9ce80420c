module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'indexer',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'],
};
