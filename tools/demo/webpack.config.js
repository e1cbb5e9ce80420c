module.exports = require('../../webpack.app.js')({ projectRoot: 'tools/demo', outputPath: 'dist/tools/demo' });
