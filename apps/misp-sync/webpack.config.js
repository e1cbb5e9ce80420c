module.exports = require('../../webpack.app.js')({ projectRoot: 'apps/misp-sync', outputPath: 'dist/apps/misp-sync' });
