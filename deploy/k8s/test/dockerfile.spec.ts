import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { arr, dig, str, type Json } from './k8s-objects';
import { hadolint, installK8sTools, REPO_ROOT, type K8sTools } from './k8s-tools';

/**
 * The image contract the manifests rely on, checked statically (no Docker engine here): hadolint
 * finds nothing, the final stage runs as a numeric non-root user under tini with a health check on
 * /health/live, and every `node dist/apps/<app>/main.js` the manifests and compose file start is a
 * bundle some app's build produces.
 */
const APPS = ['misp-sync', 'enricher', 'indexer', 'hunter'];
const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
/** The last stage: everything after the last FROM. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('Dockerfile', () => {
  let tools: K8sTools;

  beforeAll(() => {
    tools = installK8sTools();
  }, 15 * 60_000);

  it('is clean under hadolint (every rule, every level)', () => {
    expect(hadolint(tools, path.join(REPO_ROOT, 'Dockerfile'))).toEqual([]);
  });

  it('builds on Node 24 and ships production dependencies only', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24[.\d]*-/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(runtimeStage).not.toMatch(/COPY --from=build \/src\/node_modules/);
  });

  it('applies the kafkajs encoder patch to the dependencies the image ships (its installs skip the postinstall)', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev[^\n]*--ignore-scripts && node scripts\/patch-kafkajs\.cjs/);
  });

  it('runs the final stage as a numeric non-root user, under tini, with a liveness health check', () => {
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(runtimeStage);
    expect(user).not.toBeNull();
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(runtimeStage).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtimeStage).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
  });

  it.each(APPS)('%s: its build produces the dist/apps/<app>/main.js the image runs', (app) => {
    const project = JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps', app, 'project.json'), 'utf8')) as Json;
    expect(arr(dig(project, 'targets', 'build', 'outputs')).map((output) => str(output))).toContain(`{workspaceRoot}/dist/apps/${app}`);
    const webpack = readFileSync(path.join(REPO_ROOT, 'apps', app, 'webpack.config.js'), 'utf8');
    expect(webpack).toContain(`dist/apps/${app}`);
  });

  it('keeps tests, test data and test tools out of the build context: the fixtures, the MISP stand-in, the demo', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['test', 'tools']));
    expect(dockerfile).not.toMatch(/^(COPY|ADD)\b[^\n]*\b(test|tools)\//m);
  });

  it('docker-compose starts every service with the same contract', () => {
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as Json;
    for (const app of APPS) {
      expect(arr(dig(compose, 'services', app, 'command')).map((part) => str(part))).toEqual(['node', `dist/apps/${app}/main.js`]);
    }
  });
});
