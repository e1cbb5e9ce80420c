module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'common-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
