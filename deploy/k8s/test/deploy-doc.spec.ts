import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { arr, containerEnvironment, dig, num, obj, parseObjects, podTemplate, str, workloadContainers, type Json, type K8sObject } from './k8s-objects';
import { installK8sTools, K8S_DIR, REPO_ROOT, renderOverlay } from './k8s-tools';
import { codeBlockAfter, tableAfter } from './markdown-sections';
import { describeNetworkPolicy } from './describe-network-policy';

/**
 * docs/deploy.md and the manifests cannot disagree: every table of the document that states what
 * the manifests do is compared with what they render (the base, and each overlay for what its
 * components change). A manifest changed without its row, or a row without its manifest, fails.
 */
const DOC = readFileSync(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
const OVERLAYS = readdirSync(path.join(K8S_DIR, 'overlays')).sort();
const COMPONENTS = readdirSync(path.join(K8S_DIR, 'components')).sort();

/** A rendered ConfigMap's generator name: Kustomize appends `-<10-character hash>`. */
const generatorName = (name: string): string => name.replace(/-[a-z0-9]{10}$/, '');
const appOfWorkload = (workload: K8sObject): string => str(dig(podTemplate(workload), 'metadata', 'labels', 'app.kubernetes.io/name')) ?? '';
const column = (header: readonly string[], name: string): number => {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`docs/deploy.md: no column "${name}" in a table with ${header.join(' | ')}`);
  return index;
};

describe('docs/deploy.md matches the manifests', () => {
  let base: K8sObject[];
  const overlays = new Map<string, K8sObject[]>();

  beforeAll(() => {
    const tools = installK8sTools();
    base = parseObjects(renderOverlay(tools, path.join(K8S_DIR, 'base')));
    for (const overlay of OVERLAYS) overlays.set(overlay, parseObjects(renderOverlay(tools, path.join(K8S_DIR, 'overlays', overlay))));
  }, 15 * 60_000);

  it('Layout lists every component and overlay, and no other', () => {
    const layout = codeBlockAfter(DOC, 'Layout').split('\n');
    const listed = (folder: string) => {
      const start = layout.findIndex((line) => line.trim() === `${folder}/`);
      const names: string[] = [];
      for (const line of layout.slice(start + 1)) {
        const match = /^ {4}(\S+)/.exec(line);
        if (match === null) break;
        names.push(match[1] ?? '');
      }
      return names.sort();
    };
    expect(listed('components')).toEqual(COMPONENTS);
    expect(listed('overlays')).toEqual(OVERLAYS);
  });

  it('"What the base gives every workload": disruption budgets, grace periods, kinds', () => {
    const table = tableAfter(DOC, 'What the base gives every workload');
    const rows = new Map(table.rows.map((row) => [row[0] ?? '', row]));
    table.header.slice(1).forEach((app, i) => {
      const workload = base.find((object) => podTemplate(object) !== undefined && appOfWorkload(object) === app);
      if (workload === undefined) throw new Error(`docs/deploy.md names ${app}, which the base does not render`);
      const cell = (name: string) => rows.get(name)?.[i + 1] ?? '';
      expect([app, cell('kind').split(',')[0]]).toEqual([app, workload.kind]);
      expect([app, cell('terminationGracePeriodSeconds')]).toEqual([app, String(num(dig(podTemplate(workload), 'spec', 'terminationGracePeriodSeconds')))]);
      const budget = base.find((object) => object.kind === 'PodDisruptionBudget' && obj(dig(object.body, 'spec', 'selector', 'matchLabels'))['app.kubernetes.io/name'] === app);
      expect([app, cell('PodDisruptionBudget')]).toEqual([app, budget === undefined ? 'none' : `maxUnavailable ${String(dig(budget.body, 'spec', 'maxUnavailable'))}`]);
    });
    const rendered = base.filter((object) => podTemplate(object) !== undefined).map(appOfWorkload).sort();
    expect(table.header.slice(1).sort()).toEqual(rendered);
  });

  it.each(OVERLAYS)('Resources: every workload of overlay %s has its row, with the values it renders', (overlay) => {
    const table = tableAfter(DOC, 'Resources');
    const h = (name: string) => column(table.header, name);
    const included = components(overlay);
    const mismatches: string[] = [];
    for (const { workload, container } of workloadContainers(overlays.get(overlay) ?? [])) {
      const app = appOfWorkload(workload);
      const candidates = table.rows.filter((row) => row[h('workload')] === app && row[h('variant')]?.includes('CronJob') === (workload.kind === 'CronJob'));
      const component = candidates.find((row) => included.some((name) => row[h('variant')]?.includes(`components/${name}`)));
      const row = component ?? candidates.find((candidate) => candidate[h('variant')]?.includes('base'));
      if (row === undefined) {
        mismatches.push(`${workload.kind}/${workload.name}: no row for ${app} (${workload.kind}) in docs/deploy.md, Resources`);
        continue;
      }
      const environment = containerEnvironment(overlays.get(overlay) ?? [], container);
      const nodeOptions = environment.get('NODE_OPTIONS');
      const actual = [
        str(dig(container, 'resources', 'requests', 'cpu')),
        str(dig(container, 'resources', 'limits', 'cpu')),
        str(dig(container, 'resources', 'requests', 'memory')),
        str(dig(container, 'resources', 'limits', 'memory')),
        nodeOptions !== undefined && 'value' in nodeOptions ? nodeOptions.value : '—',
      ];
      const documented = ['CPU request', 'CPU limit', 'memory request', 'memory limit', 'V8 heap (NODE_OPTIONS)'].map((name) => row[h(name)]);
      if (JSON.stringify(actual) !== JSON.stringify(documented)) mismatches.push(`${workload.kind}/${workload.name} (${row[h('variant')]}): renders ${actual.join(' | ')}, docs say ${documented.join(' | ')}`);
      const itemMemory = /-m (\d+)/.exec(row[h('variant')] ?? '')?.[1];
      if (itemMemory !== undefined && !arr(container['args']).join(' ').includes(`-m ${itemMemory}`)) mismatches.push(`${workload.name}: docs size -m ${itemMemory}, args are ${arr(container['args']).join(' ')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('Resources: every row names a workload and a variant that some overlay or the base renders', () => {
    const table = tableAfter(DOC, 'Resources');
    for (const row of table.rows) {
      const variant = row[column(table.header, 'variant')] ?? '';
      const component = /components\/([a-z0-9-]+)/.exec(variant)?.[1];
      if (component !== undefined) expect(COMPONENTS).toContain(component);
      else expect(variant).toContain('base');
    }
  });

  it('"Configuration the base sets" is exactly the base ConfigMaps', () => {
    const documented = tableAfter(DOC, 'Configuration the base sets').rows.map((row) => row.join(' = '));
    const rendered = base
      .filter((object) => object.kind === 'ConfigMap')
      .flatMap((configMap) => Object.entries(obj(configMap.body['data'])).map(([name, value]) => `${generatorName(configMap.name)} = ${name} = ${str(value) ?? ''}`));
    expect(documented.sort()).toEqual(rendered.sort());
  });

  it('memcached: the flags table is exactly the StatefulSet args', () => {
    const statefulSet = base.find((object) => object.kind === 'StatefulSet' && appOfWorkload(object) === 'memcached');
    const container = obj(arr(dig(podTemplate(statefulSet ?? base[0]!), 'spec', 'containers'))[0]);
    const args = arr(container['args']).map((arg) => str(arg) ?? '');
    // `-m 256` → "-m 256"; a flag without a value (`-M`) → "-M on", as the table writes it.
    const rendered: string[] = [];
    args.forEach((arg, i) => {
      if (!arg.startsWith('-')) return;
      const next = args[i + 1];
      rendered.push(next === undefined || next.startsWith('-') ? `${arg} on` : `${arg} ${next}`);
    });
    const documented = tableAfter(DOC, 'memcached').rows.map((row) => `${row[0]} ${row[1]}`);
    expect(documented.sort()).toEqual(rendered.sort());
  });

  it('Network policies: the table is exactly the base NetworkPolicies, rule by rule', () => {
    const documented = tableAfter(DOC, 'Network policies').rows.map((row) => row.join(' | '));
    const rendered = base.filter((object) => object.kind === 'NetworkPolicy').flatMap((policy) => describeNetworkPolicy(policy).map((row) => row.join(' | ')));
    expect(documented.sort()).toEqual(rendered.sort());
  });

  it('Autoscaling: the KEDA table has the thresholds and caps of components/keda (overlay production)', () => {
    const table = tableAfter(DOC, 'Autoscaling');
    for (const scaledObject of (overlays.get('production') ?? []).filter((object) => object.kind === 'ScaledObject')) {
      const app = str(dig(scaledObject.body, 'metadata', 'labels', 'app.kubernetes.io/name')) ?? '';
      const row = table.rows.find((candidate) => candidate[0] === app);
      const trigger = obj(arr(dig(scaledObject.body, 'spec', 'triggers'))[0]);
      expect([app, row?.[column(table.header, 'lagThreshold')]]).toEqual([app, Number(str(dig(trigger, 'metadata', 'lagThreshold'))).toLocaleString('en-US')]);
      expect([app, row?.[column(table.header, 'max replicas')]?.split(' ')[0]]).toEqual([app, String(num(dig(scaledObject.body, 'spec', 'maxReplicaCount')))]);
    }
  });
});

function components(overlay: string): string[] {
  const kustomization = parse(readFileSync(path.join(K8S_DIR, 'overlays', overlay, 'kustomization.yaml'), 'utf8')) as Json;
  return arr(dig(kustomization, 'components')).map((component) => path.basename(str(component) ?? ''));
}
