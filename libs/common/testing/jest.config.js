module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'common-testing',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
