import { arr, containerEnvironment, dig, isServiceContainer, label, num, obj, podTemplate, str, type Json, type JsonObject, type K8sObject } from './k8s-objects';
import { labelSelectorMatches, selectsEverything } from './label-selector';
import type { ManifestProblem } from './manifest-checks';
import { serviceEndpoints, type ServiceEndpoint } from './service-endpoints';

/**
 * What the NetworkPolicies of a rendered overlay let through, evaluated as the API defines it
 * (a pod selected by a policy of a type refuses what no policy of that type allows; rules add up),
 * against what the pods need:
 *
 * - every iocflow pod is isolated both ways, and no rule opens every port;
 * - a service pod (misp-sync, enricher, indexer) accepts connections only on its HTTP port
 *   (/metrics, /health), only from pods picked by both a namespace and a pod selector (Prometheus);
 * - memcached accepts only pods of the same namespace that are configured to use it, on its own
 *   port, and connects nowhere;
 * - a service pod may reach the cluster DNS and every endpoint its configuration names
 *   (serviceEndpoints: KAFKA_BROKERS, ELASTICSEARCH_URL, MISP_URL, MEMCACHED_SERVERS…), an
 *   in-cluster memcached through a rule that selects exactly those memcached pods.
 *
 * Destinations given as addresses (ipBlock) or another namespace cannot be resolved offline:
 * such a rule counts for any endpoint on its ports.
 */
interface Pod {
  readonly workload: K8sObject;
  readonly labels: JsonObject;
  readonly podSpec: JsonObject;
  /** Whether the pod runs an iocflow service (a container named `iocflow`). */
  readonly service: boolean;
}

interface Rule {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly peers: readonly Json[];
  readonly ports: readonly Json[];
}

type Direction = Rule['direction'];

export function checkNetworkPolicies(objects: readonly K8sObject[]): ManifestProblem[] {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const pods = objects.flatMap((workload): Pod[] => {
    const template = podTemplate(workload);
    if (template === undefined) return [];
    const podSpec = obj(template['spec']);
    const service = arr(podSpec['containers']).some((container) => isServiceContainer(obj(container)));
    return [{ workload, labels: obj(dig(template, 'metadata', 'labels')), podSpec, service }];
  });
  const problems: ManifestProblem[] = [];
  for (const policy of policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      arr(dig(policy.body, 'spec', direction)).forEach((rule, index) => {
        if (arr(dig(rule, 'ports')).length === 0) problems.push({ object: label(policy), problem: `${direction} rule ${index} allows every port: list the ports` });
      });
    }
  }
  for (const pod of pods) {
    const report = (problem: string) => problems.push({ object: label(pod.workload), problem });
    for (const direction of ['ingress', 'egress'] as const) {
      if (!isIsolated(policies, pod, direction)) report(`no NetworkPolicy isolates its pods for ${direction}: every ${direction === 'ingress' ? 'sender' : 'destination'} is allowed`);
    }
    const ingress = rulesFor(policies, pod, 'ingress');
    const egress = rulesFor(policies, pod, 'egress');
    if (pod.service) {
      problems.push(...checkServiceIngress(pod, ingress).map((problem) => ({ object: label(pod.workload), problem })));
      problems.push(...checkServiceEgress(pod, egress, objects, pods).map((problem) => ({ object: label(pod.workload), problem })));
    } else if (pod.labels['app.kubernetes.io/name'] === 'memcached') {
      problems.push(...checkMemcachedIngress(pod, ingress, pods, objects).map((problem) => ({ object: label(pod.workload), problem })));
      for (const rule of egress) report(`memcached opens no connection, but ${rule.policy} allows it egress`);
    }
  }
  return problems;
}

function policyTypes(policy: K8sObject): string[] {
  const declared = arr(dig(policy.body, 'spec', 'policyTypes')).map((type) => str(type) ?? '');
  if (declared.length > 0) return declared;
  // The API's default: Ingress always, Egress when the policy has egress rules.
  return dig(policy.body, 'spec', 'egress') === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

function selecting(policies: readonly K8sObject[], pod: Pod, direction: Direction): K8sObject[] {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  return policies.filter((policy) => policyTypes(policy).includes(type) && labelSelectorMatches(dig(policy.body, 'spec', 'podSelector'), pod.labels));
}

function isIsolated(policies: readonly K8sObject[], pod: Pod, direction: Direction): boolean {
  return selecting(policies, pod, direction).length > 0;
}

function rulesFor(policies: readonly K8sObject[], pod: Pod, direction: Direction): Rule[] {
  return selecting(policies, pod, direction).flatMap((policy) =>
    arr(dig(policy.body, 'spec', direction)).map((rule) => ({
      policy: policy.name,
      direction,
      peers: arr(dig(rule, direction === 'ingress' ? 'from' : 'to')),
      ports: arr(dig(rule, 'ports')),
    })),
  );
}

/** Named container ports of a pod: name → number. */
function containerPorts(pod: Pod): Map<string, number> {
  const ports = new Map<string, number>();
  for (const container of arr(pod.podSpec['containers'])) {
    for (const port of arr(dig(container, 'ports'))) {
      const number = num(dig(port, 'containerPort'));
      if (number !== undefined) ports.set(str(dig(port, 'name')) ?? String(number), number);
    }
  }
  return ports;
}

/** Whether a rule's port entry admits `port`/`protocol`; a named port resolves on the destination pod. */
function portMatches(entry: Json, port: number, protocol: string, named: ReadonlyMap<string, number> = new Map()): boolean {
  if ((str(dig(entry, 'protocol')) ?? 'TCP') !== protocol) return false;
  const value = dig(entry, 'port');
  if (value === undefined) return true;
  const from = typeof value === 'string' ? named.get(value) : num(value);
  if (from === undefined) return false;
  const to = num(dig(entry, 'endPort')) ?? from;
  return port >= from && port <= to;
}

function checkServiceIngress(pod: Pod, rules: readonly Rule[]): string[] {
  const problems: string[] = [];
  const ports = containerPorts(pod);
  const http = ports.get('http');
  for (const rule of rules) {
    const onlyHttp = (entry: Json) => (str(dig(entry, 'protocol')) ?? 'TCP') === 'TCP' && portNumber(entry, ports) === http && (num(dig(entry, 'endPort')) ?? http) === http;
    if (http === undefined || !rule.ports.every(onlyHttp)) {
      problems.push(`${rule.policy} lets ingress reach a port other than the HTTP port (${http ?? 'none declared'})`);
    }
    if (rule.peers.length === 0) problems.push(`${rule.policy} accepts its HTTP port from anywhere: name the monitoring namespace and the Prometheus pods`);
    for (const peer of rule.peers) {
      if (dig(peer, 'ipBlock') !== undefined) problems.push(`${rule.policy} accepts an ipBlock: name the monitoring namespace and the Prometheus pods instead`);
      else if (selectsEverything(dig(peer, 'namespaceSelector')) || dig(peer, 'namespaceSelector') === undefined || selectsEverything(dig(peer, 'podSelector')) || dig(peer, 'podSelector') === undefined) {
        problems.push(`${rule.policy} accepts ingress from a peer that is not both a namespaceSelector and a podSelector (every pod of a namespace, or of every namespace)`);
      }
    }
  }
  return problems;
}

function portNumber(entry: Json, named: ReadonlyMap<string, number>): number | undefined {
  const value = dig(entry, 'port');
  return typeof value === 'string' ? named.get(value) : num(value);
}

function checkMemcachedIngress(pod: Pod, rules: readonly Rule[], pods: readonly Pod[], objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const ports = containerPorts(pod);
  const clients = new Set(pods.filter((candidate) => usesMemcached(candidate, objects)).map((candidate) => candidate.workload));
  for (const rule of rules) {
    if (rule.ports.some((entry) => ![...ports.values()].includes(portNumber(entry, ports) ?? -1))) problems.push(`${rule.policy} opens memcached on a port it does not serve`);
    if (rule.peers.length === 0) problems.push(`${rule.policy} lets anyone reach memcached (it has no authentication)`);
    for (const peer of rule.peers) {
      if (dig(peer, 'ipBlock') !== undefined || dig(peer, 'namespaceSelector') !== undefined || selectsEverything(dig(peer, 'podSelector'))) {
        problems.push(`${rule.policy} lets pods other than its clients reach memcached (ipBlock, another namespace or every pod)`);
        continue;
      }
      for (const other of pods) {
        if (labelSelectorMatches(dig(peer, 'podSelector'), other.labels) && !clients.has(other.workload)) {
          problems.push(`${rule.policy} lets ${label(other.workload)} reach memcached, which does not use it`);
        }
      }
    }
  }
  return problems;
}

/** Pods with MEMCACHED_SERVERS set in their configuration (misp-sync, the enricher). */
function usesMemcached(pod: Pod, objects: readonly K8sObject[]): boolean {
  return arr(pod.podSpec['containers']).some((container) => containerEnvironment(objects, obj(container)).has('MEMCACHED_SERVERS'));
}

/** The StatefulSet pod an endpoint's host names (`<statefulset>-<ordinal>.<service>[.…]`), if one is rendered. */
export function statefulSetPodOf(host: string, objects: readonly K8sObject[]): { statefulSet: K8sObject; ordinal: number } | undefined {
  const [first, service] = host.split('.');
  const match = /^(.+)-(\d+)$/.exec(first ?? '');
  if (match === null || service === undefined) return undefined;
  const statefulSet = objects.find((object) => object.kind === 'StatefulSet' && object.name === match[1] && str(dig(object.body, 'spec', 'serviceName')) === service);
  return statefulSet === undefined ? undefined : { statefulSet, ordinal: Number(match[2]) };
}

function checkServiceEgress(pod: Pod, rules: readonly Rule[], objects: readonly K8sObject[], pods: readonly Pod[]): string[] {
  const problems: string[] = [];
  for (const protocol of ['UDP', 'TCP']) {
    if (!rules.some((rule) => rule.ports.some((entry) => portMatches(entry, 53, protocol)))) problems.push(`no egress to DNS (port 53/${protocol})`);
  }
  for (const container of arr(pod.podSpec['containers'])) {
    const environment = containerEnvironment(objects, obj(container));
    const table = environment.get('ENRICHER_LOOKUP_MODE');
    const skip = new Set(table !== undefined && 'value' in table && table.value === 'table' ? ['MEMCACHED_SERVERS'] : []);
    const { endpoints, invalid } = serviceEndpoints(environment, skip);
    for (const value of invalid) problems.push(`${value} is not a valid endpoint`);
    for (const endpoint of endpoints) {
      if (!reaches(endpoint, rules, objects, pods)) problems.push(`no egress rule lets it reach ${endpoint.variable} ${endpoint.host}:${endpoint.port}`);
    }
  }
  return problems;
}

/** Whether some egress rule admits the endpoint: by port, and for an in-cluster StatefulSet pod, by selecting that pod. */
function reaches(endpoint: ServiceEndpoint, rules: readonly Rule[], objects: readonly K8sObject[], pods: readonly Pod[]): boolean {
  const target = statefulSetPodOf(endpoint.host, objects);
  const targetPod = target === undefined ? undefined : pods.find((pod) => pod.workload === target.statefulSet);
  return rules.some((rule) => {
    if (targetPod === undefined) return rule.ports.some((entry) => portMatches(entry, endpoint.port, 'TCP'));
    const named = containerPorts(targetPod);
    if (!rule.ports.some((entry) => portMatches(entry, endpoint.port, 'TCP', named))) return false;
    // Any destination (no peers) admits it too, but the point of an in-cluster target is a rule that names it.
    return rule.peers.some((peer) => dig(peer, 'namespaceSelector') === undefined && dig(peer, 'ipBlock') === undefined && labelSelectorMatches(dig(peer, 'podSelector'), targetPod.labels));
  });
}
