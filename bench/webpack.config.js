// Benchmarks are bundled like the services (decorators, @iocflow/* paths) and run with plain node:
// every `apps/*/bench/*.bench.ts`, `tools/*/bench/*.bench.ts` and `bench/src/*.bench.ts` becomes dist/bench/<name>.js.
const fs = require('node:fs');
const path = require('node:path');
const base = require('../webpack.app.js')({ projectRoot: 'bench', outputPath: 'dist/bench' });

const root = path.resolve(__dirname, '..');
const folders = [
  ...['apps', 'tools'].flatMap((group) =>
    fs.readdirSync(path.join(root, group)).map((name) => path.join(root, group, name, 'bench')),
  ),
  path.join(__dirname, 'src'),
];
const entry = {};
for (const folder of folders.filter((dir) => fs.existsSync(dir))) {
  for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.bench.ts'))) {
    entry[file.replace(/\.bench\.ts$/, '')] = path.join(folder, file);
  }
}

module.exports = { ...base, context: root, entry };
