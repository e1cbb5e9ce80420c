import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { crdToJsonSchemas } from './crd-to-json-schema';
import type { Json } from './k8s-objects';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const K8S_DIR = path.join(REPO_ROOT, 'deploy', 'k8s');

/** What scripts/k8s-tools.sh installed: absolute paths, written to its tools.json. */
export interface K8sTools {
  readonly stamp: string;
  readonly kustomize: string;
  readonly kubeconform: string;
  readonly hadolint: string;
  /** Kubernetes version (e.g. 1.30.0) → directory of its strict JSON schemas. */
  readonly kubernetesSchemas: Readonly<Record<string, string>>;
  readonly crds: readonly string[];
}

export interface KubeconformResult {
  readonly filename: string;
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  readonly status: string;
  readonly msg: string;
}

/**
 * Installs (first run) or finds (later runs) the pinned tools. Fails the suite loudly when they
 * cannot be installed: validation must never be skipped silently.
 */
export function installK8sTools(): K8sTools {
  const run = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'k8s-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`scripts/k8s-tools.sh failed (exit ${run.status}); the deploy checks cannot run without kustomize, kubeconform and the schemas:\n${run.stderr}`);
  const toolsFile = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(readFileSync(toolsFile, 'utf8')) as K8sTools;
}

export function renderOverlay(tools: K8sTools, directory: string): string {
  return execFileSync(tools.kustomize, ['build', directory], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Converts the cached CRDs into kubeconform's `<group>/<kind>_<version>.json` layout; returns the directory. */
export function writeCrdSchemas(tools: K8sTools, kubernetesVersion: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'iocflow-crd-schemas-'));
  const definitions = path.join(tools.kubernetesSchemas[kubernetesVersion] ?? '', '_definitions.json');
  const objectMetaRef = `file://${definitions}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
  for (const file of tools.crds) {
    for (const crd of crdToJsonSchemas(parse(readFileSync(file, 'utf8')) as Json, { objectMetaRef })) {
      mkdirSync(path.join(directory, crd.group), { recursive: true });
      writeFileSync(path.join(directory, crd.fileName), JSON.stringify(crd.schema));
    }
  }
  return directory;
}

/**
 * Validates rendered YAML with kubeconform, offline: Kubernetes kinds from the cached strict schemas
 * of one Kubernetes version, custom resources from the converted CRDs. Returns one result per object.
 */
export function kubeconform(tools: K8sTools, kubernetesVersion: string, crdDirectory: string, renderedYaml: string): KubeconformResult[] {
  const kubernetesDirectory = tools.kubernetesSchemas[kubernetesVersion];
  if (kubernetesDirectory === undefined) throw new Error(`no cached schemas for Kubernetes ${kubernetesVersion}`);
  const input = path.join(mkdtempSync(path.join(tmpdir(), 'iocflow-rendered-')), 'rendered.yaml');
  writeFileSync(input, renderedYaml);
  const run = spawnSync(
    tools.kubeconform,
    [
      '-strict',
      '-verbose',
      '-output', 'json',
      '-kubernetes-version', kubernetesVersion,
      '-schema-location', `${kubernetesDirectory}/{{.ResourceKind}}{{.KindSuffix}}.json`,
      '-schema-location', `${crdDirectory}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
      input,
    ],
    { encoding: 'utf8' },
  );
  if (run.stdout.trim() === '') throw new Error(`kubeconform printed nothing (exit ${run.status}): ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { resources?: KubeconformResult[] };
  return report.resources ?? [];
}

/** Runs hadolint on a Dockerfile; returns its findings (empty when clean). */
export function hadolint(tools: K8sTools, dockerfile: string): { code: string; level: string; line: number; message: string }[] {
  const run = spawnSync(tools.hadolint, ['--no-color', '--format', 'json', '--failure-threshold', 'none', dockerfile], { encoding: 'utf8' });
  if (run.error !== undefined || run.stdout.trim() === '') throw new Error(`hadolint did not run: ${run.error?.message ?? run.stderr}`);
  return JSON.parse(run.stdout) as { code: string; level: string; line: number; message: string }[];
}
