// Shared webpack build for the services: one CommonJS bundle per app at dist/apps/<app>/main.js.
// Our own libraries (@iocflow/*) are bundled; every npm package stays external and is
// resolved from node_modules at run time (the images install production dependencies only).
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, path.resolve(__dirname, target)]),
);

module.exports = function appWebpackConfig({ projectRoot, outputPath }) {
  return {
    mode: 'production',
    target: 'node20',
    context: path.resolve(__dirname, projectRoot),
    entry: { main: './src/main.ts' },
    devtool: 'source-map',
    output: { path: path.resolve(__dirname, outputPath), filename: '[name].js', clean: true },
    optimization: { minimize: false, nodeEnv: false },
    node: { __dirname: false, __filename: false },
    resolve: { extensions: ['.ts', '.js'], alias },
    externalsPresets: { node: true },
    externals: [
      ({ request }, callback) => {
        const bundled = request.startsWith('.') || path.isAbsolute(request) || request.startsWith('@iocflow/');
        return bundled ? callback() : callback(null, `commonjs ${request}`);
      },
    ],
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          options: { transpileOnly: true, configFile: path.resolve(__dirname, projectRoot, 'tsconfig.app.json') },
        },
      ],
    },
    stats: 'errors-warnings',
  };
};
