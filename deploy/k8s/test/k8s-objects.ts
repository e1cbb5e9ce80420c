import { parseAllDocuments } from 'yaml';

/**
 * Rendered Kubernetes objects as plain JSON values, with the few typed accessors the checks need.
 * The objects are untrusted input (whatever the overlay renders), so every access narrows.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly body: JsonObject;
}

/** A container in a workload's pod template, with where it came from. */
export interface WorkloadContainer {
  readonly workload: K8sObject;
  readonly podSpec: JsonObject;
  readonly podMetadata: JsonObject;
  readonly container: JsonObject;
}

/** Where one environment variable of a container gets its value. */
export type EnvSource = { readonly value: string } | { readonly secret: { readonly name: string; readonly key: string } } | { readonly other: true };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: Json | undefined): JsonObject {
  return isObject(value) ? value : {};
}

export function arr(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: Json | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** `dig(o, 'spec', 'template', 'spec')`: undefined as soon as a step is missing. */
export function dig(value: Json | undefined, ...path: readonly string[]): Json | undefined {
  let current = value;
  for (const step of path) {
    if (!isObject(current)) return undefined;
    current = current[step];
  }
  return current;
}

export function parseObjects(yamlText: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(yamlText)) {
    if (document.errors.length > 0) throw new Error(`rendered YAML does not parse: ${document.errors[0]?.message}`);
    const body = document.toJSON() as Json;
    if (!isObject(body)) continue;
    objects.push({ apiVersion: str(body['apiVersion']) ?? '', kind: str(body['kind']) ?? '', name: str(dig(body, 'metadata', 'name')) ?? '', body });
  }
  return objects;
}

export function label(object: K8sObject): string {
  return `${object.kind}/${object.name}`;
}

/** The pod template of a Deployment, StatefulSet, DaemonSet, Job or CronJob; undefined for other kinds. */
export function podTemplate(object: K8sObject): JsonObject | undefined {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return obj(dig(object.body, 'spec', 'template'));
    case 'CronJob':
      return obj(dig(object.body, 'spec', 'jobTemplate', 'spec', 'template'));
    default:
      return undefined;
  }
}

export function workloadContainers(objects: readonly K8sObject[]): WorkloadContainer[] {
  const result: WorkloadContainer[] = [];
  for (const workload of objects) {
    const template = podTemplate(workload);
    if (template === undefined) continue;
    const podSpec = obj(template['spec']);
    for (const container of [...arr(podSpec['initContainers']), ...arr(podSpec['containers'])]) {
      result.push({ workload, podSpec, podMetadata: obj(template['metadata']), container: obj(container) });
    }
  }
  return result;
}

/**
 * The environment a container sees: ConfigMaps named by envFrom (resolved against the rendered
 * objects), then `env` entries, which win, as in Kubernetes.
 */
export function containerEnvironment(objects: readonly K8sObject[], container: JsonObject): Map<string, EnvSource> {
  const environment = new Map<string, EnvSource>();
  for (const from of arr(container['envFrom'])) {
    const configMapName = str(dig(from, 'configMapRef', 'name'));
    const configMap = objects.find((candidate) => candidate.kind === 'ConfigMap' && candidate.name === configMapName);
    for (const [name, value] of Object.entries(obj(configMap?.body['data']))) {
      environment.set(`${str(dig(from, 'prefix')) ?? ''}${name}`, { value: str(value) ?? '' });
    }
  }
  for (const entry of arr(container['env'])) {
    const name = str(dig(entry, 'name'));
    if (name === undefined) continue;
    const value = str(dig(entry, 'value'));
    const secretName = str(dig(entry, 'valueFrom', 'secretKeyRef', 'name'));
    const secretKey = str(dig(entry, 'valueFrom', 'secretKeyRef', 'key'));
    if (value !== undefined) environment.set(name, { value });
    else if (secretName !== undefined && secretKey !== undefined) environment.set(name, { secret: { name: secretName, key: secretKey } });
    else environment.set(name, { other: true });
  }
  return environment;
}

/**
 * The name of every iocflow service container (base/kustomization.yaml: one name, so one patch
 * fits the three services). Other containers (memcached) are supporting ones.
 */
export const SERVICE_CONTAINER = 'iocflow';

export function isServiceContainer(container: JsonObject): boolean {
  return container['name'] === SERVICE_CONTAINER;
}

/** `dist/apps/<app>/main.js` in the container args names the app; undefined when it does not. */
export function appOf(container: JsonObject): string | undefined {
  const args = arr(container['args']).map((arg) => str(arg) ?? '');
  const main = args.find((arg) => /^dist\/apps\/[a-z0-9-]+\/main\.js$/.test(arg));
  return main?.split('/')[2];
}

export function selectorMatches(selector: JsonObject, labels: JsonObject): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}
