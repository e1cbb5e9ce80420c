import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readAppConfigNames } from './app-config-names';
import { appOf, arr, containerEnvironment, dig, label, parseObjects, str, workloadContainers, type Json, type K8sObject } from './k8s-objects';
import { installK8sTools, K8S_DIR, kubeconform, renderOverlay, REPO_ROOT, writeCrdSchemas, type K8sTools } from './k8s-tools';
import { checkManifests, type ManifestContext } from './manifest-checks';

/**
 * Every overlay under deploy/k8s/overlays is rendered with kustomize and validated offline:
 * kubeconform against the Kubernetes schemas of the oldest and newest supported version and the
 * KEDA / prometheus-operator CRD schemas, then the structural checks of manifest-checks.ts, then
 * the variable names against the services' config schemas.
 */
const OVERLAYS = readdirSync(path.join(K8S_DIR, 'overlays')).sort();
const COMPONENTS = readdirSync(path.join(K8S_DIR, 'components')).sort();
const APPS = ['misp-sync', 'enricher', 'indexer', 'hunter'];
/** Read by Node itself, not by a service's config schema (V8 heap sizing per deployment). */
const NODE_RUNTIME_VARIABLES: ReadonlySet<string> = new Set(['NODE_OPTIONS']);

function topicPartitions(): Map<string, number> {
  const document = parse(readFileSync(path.join(K8S_DIR, 'topics.yaml'), 'utf8')) as Json;
  return new Map(arr(dig(document, 'topics')).map((topic) => [str(dig(topic, 'name')) ?? '', Number(dig(topic, 'partitions'))]));
}

describe('deploy/k8s', () => {
  let tools: K8sTools;
  const rendered = new Map<string, string>();
  const objects = new Map<string, K8sObject[]>();
  const crdSchemas = new Map<string, string>();
  const config = readAppConfigNames(REPO_ROOT, APPS);
  const context: ManifestContext = { topicPartitions: topicPartitions(), secretVariables: config.secretVariables };

  beforeAll(() => {
    tools = installK8sTools();
    for (const version of Object.keys(tools.kubernetesSchemas)) crdSchemas.set(version, writeCrdSchemas(tools, version));
    for (const overlay of OVERLAYS) {
      const yaml = renderOverlay(tools, path.join(K8S_DIR, 'overlays', overlay));
      rendered.set(overlay, yaml);
      objects.set(overlay, parseObjects(yaml));
    }
  }, 15 * 60_000);

  it('has the overlays docs/deploy.md describes', () => {
    expect(OVERLAYS).toEqual(['dev', 'production', 'production-hpa']);
  });

  it('uses every component in at least one overlay, so every component is validated', () => {
    const used = new Set(
      OVERLAYS.flatMap((overlay) => {
        const kustomization = parse(readFileSync(path.join(K8S_DIR, 'overlays', overlay, 'kustomization.yaml'), 'utf8')) as Json;
        return arr(dig(kustomization, 'components')).map((component) => path.basename(str(component) ?? ''));
      }),
    );
    expect(COMPONENTS.filter((component) => !used.has(component))).toEqual([]);
  });

  it('caches schemas for at least two Kubernetes versions and the four CRDs', () => {
    expect(Object.keys(tools.kubernetesSchemas).length).toBeGreaterThanOrEqual(2);
    expect(tools.crds.map((file) => path.basename(file)).sort()).toEqual([
      'keda.sh_scaledobjects.yaml',
      'keda.sh_triggerauthentications.yaml',
      'monitoring.coreos.com_prometheusrules.yaml',
      'monitoring.coreos.com_servicemonitors.yaml',
    ]);
  });

  it('kubeconform rejects what the schemas forbid (the schemas are really loaded, not skipped)', () => {
    const version = Object.keys(tools.kubernetesSchemas)[0] ?? '';
    const broken = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
        - name: c
          image: i:1
          livenessProbe: {httpGet: {path: /health/live, port: http}, periodSecond: 10}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: broken}
spec:
  scaleTargetRef: {name: broken}
  maxReplicas: 12
  triggers: [{type: kafka, metadata: {lagThreshold: "10"}}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: broken}
spec:
  selector: {matchLabels: {a: b}}
  endpoints: [{port: http, intervall: 15s}]
`;
    const results = kubeconform(tools, version, crdSchemas.get(version) ?? '', broken).sort((a, b) => a.kind.localeCompare(b.kind));
    expect(results.map((result) => [result.kind, result.status])).toEqual([
      ['Deployment', 'statusInvalid'],
      ['ScaledObject', 'statusInvalid'],
      ['ServiceMonitor', 'statusInvalid'],
    ]);
    expect(results[0]?.msg).toContain('periodSecond');
    expect(results[1]?.msg).toContain('maxReplicas');
    expect(results[2]?.msg).toContain('intervall');
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    it('renders the four services', () => {
      const workloads = (objects.get(overlay) ?? []).filter((object) => object.kind === 'Deployment' || object.kind === 'CronJob');
      expect(workloads.map((workload) => `${workload.kind}/${workload.name}`).sort()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(Deployment|CronJob)\/iocflow-misp-sync$/), 'Deployment/iocflow-enricher', 'Deployment/iocflow-indexer', 'Deployment/iocflow-hunter']),
      );
    });

    it('is valid for every cached Kubernetes version and the KEDA / prometheus-operator CRDs (kubeconform, strict)', () => {
      const count = objects.get(overlay)?.length ?? 0;
      for (const version of Object.keys(tools.kubernetesSchemas)) {
        const results = kubeconform(tools, version, crdSchemas.get(version) ?? '', rendered.get(overlay) ?? '');
        const failures = results.filter((result) => result.status !== 'statusValid').map((result) => `${version} ${result.kind}/${result.name}: ${result.status} ${result.msg}`);
        expect(failures).toEqual([]);
        expect(results).toHaveLength(count);
      }
    });

    it('passes the structural checks (probes, limits, non-root, secrets by reference, autoscaler caps, drain window)', () => {
      expect(checkManifests(objects.get(overlay) ?? [], context)).toEqual([]);
    });

    it('sets only environment variables the service validates (names match apps/*/src/*.config.ts)', () => {
      const unknown: string[] = [];
      for (const { workload, container } of workloadContainers(objects.get(overlay) ?? [])) {
        const app = appOf(container) ?? '';
        const accepted = config.byApp.get(app);
        for (const name of containerEnvironment(objects.get(overlay) ?? [], container).keys()) {
          if (!accepted?.has(name) && !NODE_RUNTIME_VARIABLES.has(name)) unknown.push(`${label(workload)} (${app}): ${name}`);
        }
      }
      expect(unknown).toEqual([]);
    });
  });
});
