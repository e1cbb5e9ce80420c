// @platformatic/kafka is an ES module. The services load it with Node 24's require(esm); Jest's
// module registry cannot (it would parse the files as CommonJS), so under Jest the package is
// loaded by Node itself (jest.preset.js maps the name here). One copy per Jest worker process.
module.exports = globalThis.__iocflowNativeRequire('@platformatic/kafka');
