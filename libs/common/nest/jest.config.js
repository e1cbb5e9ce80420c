module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'common-nest',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
