module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'misp-sync',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
