module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'hunter',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
