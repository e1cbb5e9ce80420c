module.exports = require('../../webpack.app.js')({ projectRoot: 'apps/enricher', outputPath: 'dist/apps/enricher' });
