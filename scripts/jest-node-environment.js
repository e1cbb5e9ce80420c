// Jest's test environment for every project: Node's, plus the process's own `require` for the
// ES modules Jest's module registry cannot load (see scripts/jest-platformatic-kafka.js).
// jest-environment-node is not hoisted to the top of node_modules: take the copy jest-runner uses.
const { TestEnvironment } = require(require.resolve('jest-environment-node', { paths: [require.resolve('jest-runner')] }));

class IocflowNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__iocflowNativeRequire = require;
  }
}

module.exports = IocflowNodeEnvironment;
