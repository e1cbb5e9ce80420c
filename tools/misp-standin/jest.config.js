module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'misp-standin',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
