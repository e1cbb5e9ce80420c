import { arr, dig, isObject, obj, str, type Json, type K8sObject } from './k8s-objects';

/**
 * A NetworkPolicy as the rows of docs/deploy.md's "Network policies" table, one per rule:
 * `[policy, pods, direction, peers, ports]`, in the words the document uses:
 *
 *   pods   the app names its podSelector picks (`misp-sync, enricher`)
 *   peers  `namespace k=v, pods k=v` | `pods k in (a, b)` | `addresses 10.0.0.0/8` |
 *          `any address` (no `to`/`from`) | `nothing` (a direction with no rule)
 *   ports  `http/TCP, 53/UDP` | `—` (no rule)
 */
export function describeNetworkPolicy(policy: K8sObject): string[][] {
  const spec = obj(policy.body['spec']);
  const pods = appNames(spec['podSelector']);
  const types = arr(spec['policyTypes']).map((type) => (str(type) ?? '').toLowerCase());
  return types.flatMap((direction) => {
    const rules = arr(spec[direction]);
    if (rules.length === 0) return [[policy.name, pods, direction, 'nothing', '—']];
    return rules.map((rule) => [policy.name, pods, direction, peers(arr(dig(rule, direction === 'ingress' ? 'from' : 'to'))), ports(arr(dig(rule, 'ports')))]);
  });
}

/** `app.kubernetes.io/name` values of a pod selector, or the selector itself when it selects otherwise. */
function appNames(selector: Json | undefined): string {
  const labels = obj(dig(selector, 'matchLabels'));
  const expressions = arr(dig(selector, 'matchExpressions'));
  const name = 'app.kubernetes.io/name';
  if (Object.keys(labels).length === 1 && typeof labels[name] === 'string' && expressions.length === 0) return labels[name];
  const only = expressions[0];
  if (Object.keys(labels).length === 0 && expressions.length === 1 && str(dig(only, 'key')) === name && str(dig(only, 'operator')) === 'In') {
    return arr(dig(only, 'values')).map((value) => str(value) ?? '').join(', ');
  }
  return selectorText(selector) || 'every pod';
}

/** `k=v, k in (a, b)`: a label selector in the document's words. */
function selectorText(selector: Json | undefined): string {
  const labels = Object.entries(obj(dig(selector, 'matchLabels'))).map(([key, value]) => `${key}=${str(value) ?? ''}`);
  const expressions = arr(dig(selector, 'matchExpressions')).map((expression) => {
    const values = arr(dig(expression, 'values')).map((value) => str(value) ?? '');
    return `${str(dig(expression, 'key')) ?? ''} ${(str(dig(expression, 'operator')) ?? '').toLowerCase()}${values.length > 0 ? ` (${values.join(', ')})` : ''}`;
  });
  return [...labels, ...expressions].join(', ');
}

function peers(list: readonly Json[]): string {
  if (list.length === 0) return 'any address';
  return list
    .map((peer) => {
      if (isObject(dig(peer, 'ipBlock'))) return `addresses ${str(dig(peer, 'ipBlock', 'cidr')) ?? ''}`;
      const parts: string[] = [];
      if (isObject(dig(peer, 'namespaceSelector'))) parts.push(`namespace ${selectorText(dig(peer, 'namespaceSelector')) || 'any'}`);
      if (isObject(dig(peer, 'podSelector'))) parts.push(`pods ${selectorText(dig(peer, 'podSelector')) || 'any'}`);
      return parts.join(', ');
    })
    .join('; ');
}

function ports(list: readonly Json[]): string {
  if (list.length === 0) return 'every port';
  return list.map((entry) => `${String(dig(entry, 'port') ?? 'any')}/${str(dig(entry, 'protocol')) ?? 'TCP'}`).join(', ');
}
