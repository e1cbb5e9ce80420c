module.exports = require('../../webpack.app.js')({ projectRoot: 'apps/hunter', outputPath: 'dist/apps/hunter' });
