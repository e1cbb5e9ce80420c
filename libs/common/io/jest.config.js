module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'common-io',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
