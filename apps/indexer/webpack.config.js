module.exports = require('../../webpack.app.js')({ projectRoot: 'apps/indexer', outputPath: 'dist/apps/indexer' });
