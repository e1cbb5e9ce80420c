// Deploy checks: render every Kustomize overlay and validate it offline (kubeconform against the
// Kubernetes, KEDA and prometheus-operator schemas that scripts/k8s-tools.sh caches), structural
// checks, the Dockerfile lint and the Grafana dashboard. The first run installs the tools (a minute
// or two of `go install`), hence the long timeout.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/test/**/*.spec.ts'],
  testTimeout: 30_000,
};
