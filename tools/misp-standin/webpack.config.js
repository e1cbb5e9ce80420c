module.exports = require('../../webpack.app.js')({ projectRoot: 'tools/misp-standin', outputPath: 'dist/tools/misp-standin' });
