module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'enricher',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
};
