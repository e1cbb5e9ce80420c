import { arr, containerEnvironment, dig, label, num, obj, podTemplate, str, workloadContainers, type K8sObject } from './k8s-objects';
import type { ManifestProblem } from './manifest-checks';
import { memoryBytes } from './memory-quantity';
import { statefulSetPodOf } from './network-policy-checks';

/**
 * The in-cluster memcached and its clients agree:
 *
 * - misp-sync and the enricher (memcached mode) list the same MEMCACHED_SERVERS in the same
 *   order: keys are placed on servers by consistent hashing over that list, so a different list
 *   or order means the enricher looks for a key on another server than the one misp-sync wrote;
 * - a list naming pods of the rendered memcached StatefulSet names all of them, `-0` to `-(n-1)`
 *   in order, on the port they serve; and the StatefulSet is used by someone;
 * - a name of a StatefulSet pod that is not rendered (the component external-memcached removes it)
 *   is an error, not a silent DNS failure at run time;
 * - memcached itself: `-m` (item memory) is set, `-M` (refuse writes when full rather than evict an
 *   indicator: an evicted indicator is a silent miss), and the memory limit holds what a full
 *   memcached uses: m × 17/16 (the hash table grows to 1/16 of the items) + 5 MiB, measured
 *   (`npm run bench memcached-memory`: 277 MiB at -m 256, 1,093 MiB at -m 1024) plus 10 MiB,
 *   with request = limit so that it is never the first pod evicted under memory pressure.
 */
const MIB = 1024 * 1024;

export function checkMemcached(objects: readonly K8sObject[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const lists = new Map<string, string>();
  for (const { workload, container } of workloadContainers(objects)) {
    const environment = containerEnvironment(objects, container);
    const servers = environment.get('MEMCACHED_SERVERS');
    const mode = environment.get('ENRICHER_LOOKUP_MODE');
    if (servers === undefined || !('value' in servers)) continue;
    if (mode !== undefined && 'value' in mode && mode.value === 'table') continue;
    lists.set(label(workload), servers.value);
  }
  const distinct = new Set(lists.values());
  if (distinct.size > 1) {
    problems.push({ object: [...lists.keys()].join(', '), problem: `MEMCACHED_SERVERS differ (${[...lists].map(([name, value]) => `${name}: ${value}`).join('; ')}): every client must list the same servers in the same order` });
  }
  const statefulSets = objects.filter((object) => object.kind === 'StatefulSet' && str(dig(podTemplate(object), 'metadata', 'labels', 'app.kubernetes.io/name')) === 'memcached');
  const used = new Set<K8sObject>();
  for (const [owner, value] of lists) {
    const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    const targets = entries.map((entry) => ({ entry, host: entry.slice(0, entry.lastIndexOf(':')), port: Number(entry.slice(entry.lastIndexOf(':') + 1)) }));
    for (const target of targets) {
      const pod = statefulSetPodOf(target.host, objects);
      if (pod === undefined) {
        if (/^iocflow-memcached-\d+\./.test(target.host)) problems.push({ object: owner, problem: `MEMCACHED_SERVERS names ${target.entry}, but no memcached StatefulSet of that name is rendered (external-memcached removes it: list your own servers)` });
        continue;
      }
      used.add(pod.statefulSet);
    }
    for (const statefulSet of statefulSets.filter((candidate) => used.has(candidate))) {
      const replicas = num(dig(statefulSet.body, 'spec', 'replicas')) ?? 1;
      const service = str(dig(statefulSet.body, 'spec', 'serviceName'));
      const expected = Array.from({ length: replicas }, (_, i) => `${statefulSet.name}-${i}.${service}:${firstPort(statefulSet) ?? '?'}`);
      const named = targets.filter((target) => statefulSetPodOf(target.host, objects)?.statefulSet === statefulSet).map((target) => `${target.host.split('.').slice(0, 2).join('.')}:${target.port}`);
      if (named.join(',') !== expected.join(',')) {
        problems.push({ object: owner, problem: `MEMCACHED_SERVERS must list the ${replicas} pods of ${label(statefulSet)} in order (${expected.join(',')}), not ${named.join(',')}` });
      }
    }
  }
  for (const statefulSet of statefulSets) {
    if (!used.has(statefulSet)) problems.push({ object: label(statefulSet), problem: 'no MEMCACHED_SERVERS names its pods: it runs for nobody (point misp-sync and the enricher at it, or use components/external-memcached)' });
    problems.push(...checkMemcachedSizing(statefulSet));
  }
  return problems;
}

function firstPort(statefulSet: K8sObject): number | undefined {
  for (const container of arr(dig(podTemplate(statefulSet), 'spec', 'containers'))) {
    for (const port of arr(dig(container, 'ports'))) {
      const number = num(dig(port, 'containerPort'));
      if (number !== undefined) return number;
    }
  }
  return undefined;
}

function checkMemcachedSizing(statefulSet: K8sObject): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const report = (problem: string) => problems.push({ object: label(statefulSet), problem });
  const container = obj(arr(dig(podTemplate(statefulSet), 'spec', 'containers'))[0]);
  const args = arr(container['args']).map((arg) => str(arg) ?? '');
  const megabytes = memcachedItemMegabytes(args);
  if (megabytes === undefined) {
    report('memcached needs an explicit -m (item memory in MiB) for its memory limit to be sized');
    return problems;
  }
  if (!args.includes('-M')) report('memcached must run with -M: when full it must refuse writes (misp-sync reports them) rather than evict indicators silently');
  const limit = memoryBytes(str(dig(container, 'resources', 'limits', 'memory')));
  const request = memoryBytes(str(dig(container, 'resources', 'requests', 'memory')));
  const needed = megabytes * MIB * (17 / 16) + 15 * MIB;
  if (limit === undefined || limit < needed) report(`the memory limit (${str(dig(container, 'resources', 'limits', 'memory')) ?? 'unset'}) is below what a full memcached -m ${megabytes} uses (${Math.ceil(needed / MIB)} MiB: m × 17/16 + 5 MiB measured, + 10 MiB)`);
  if (limit !== undefined && request !== limit) report('memcached memory request must equal its limit (Guaranteed: evicting it empties the store)');
  return problems;
}

/** `-m <MiB>` / `--memory-limit=<MiB>` of memcached's arguments. */
export function memcachedItemMegabytes(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = arg === '-m' || arg === '--memory-limit' ? args[i + 1] : /^--memory-limit=(\d+)$/.exec(arg)?.[1] ?? /^-m(\d+)$/.exec(arg)?.[1];
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}
