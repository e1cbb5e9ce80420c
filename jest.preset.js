// Shared Jest settings for every project. ts-jest transpiles only; the `typecheck` target owns type errors.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: path.join(__dirname, 'scripts/jest-node-environment.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.spec.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', path.join(__dirname, 'scripts/jest-results-reporter.js')],
  moduleNameMapper: {
    ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
    '^@platformatic/kafka$': path.join(__dirname, 'scripts/jest-platformatic-kafka.js'),
  },
};
