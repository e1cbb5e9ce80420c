import {
  appOf,
  arr,
  containerEnvironment,
  dig,
  isServiceContainer,
  label,
  num,
  obj,
  podTemplate,
  selectorMatches,
  str,
  workloadContainers,
  type EnvSource,
  type JsonObject,
  type K8sObject,
  type WorkloadContainer,
} from './k8s-objects';
import { checkMemcached } from './memcached-checks';
import { memoryBytes } from './memory-quantity';
import { checkNetworkPolicies } from './network-policy-checks';

/**
 * Structural checks a schema cannot express: what our deployments promise (probes on the health
 * endpoints, limits, non-root, secrets only by reference, autoscalers capped at the partition
 * count, a drain window, NetworkPolicies, a memcached its clients agree on), checked on every
 * rendered overlay. Each returns problems, never throws, so a failing test lists all of them at
 * once. "Service" pods run an iocflow app (`node dist/apps/<app>/main.js`); other pods (memcached)
 * get the security, resource and probe checks but not the image contract of ours.
 */
export interface ManifestContext {
  /** Partition count per topic name (deploy/k8s/topics.yaml). */
  readonly topicPartitions: ReadonlyMap<string, number>;
  /** Variables whose values are secrets (the services' SECRET_VARIABLES). */
  readonly secretVariables: ReadonlySet<string>;
}

export interface ManifestProblem {
  readonly object: string;
  readonly problem: string;
}

const MIN_TERMINATION_GRACE_SECONDS = 30;
const SECRET_LIKE = /PASSWORD|API_KEY|SECRET|TOKEN/;

/**
 * The Kafka scaler's trigger metadata keys (KEDA v2 pkg/scalers/kafka_scaler.go, the `keda:"name=…"`
 * tags readable from trigger metadata, plus the *FromEnv forms). The CRD types metadata as a free
 * string map, so the schema cannot catch a misspelt key; KEDA would ignore it silently.
 */
const KAFKA_TRIGGER_KEYS = new Set([
  'bootstrapServers', 'bootstrapServersFromEnv', 'consumerGroup', 'consumerGroupFromEnv', 'topic', 'topicFromEnv',
  'partitionLimitation', 'lagThreshold', 'activationLagThreshold', 'offsetResetPolicy', 'allowIdleConsumers',
  'excludePersistentLag', 'scaleToZeroOnInvalidOffset', 'limitToPartitionsWithLag', 'ensureEvenDistributionOfPartitions',
  'version', 'tls', 'unsafeSsl', 'sasl', 'saslTokenProvider', 'awsRegion',
]);

/** KAFKA_SASL_MECHANISM (our services) → KEDA's `sasl` spelling. */
const KEDA_SASL: Readonly<Record<string, string>> = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512' };

export function checkManifests(objects: readonly K8sObject[], context: ManifestContext): ManifestProblem[] {
  return [
    ...checkWorkloads(objects),
    ...checkContainers(objects, context),
    ...checkNoInlineSecrets(objects, context),
    ...checkAutoscalers(objects, context),
    ...checkDisruptionBudgets(objects),
    ...checkMonitoring(objects),
    ...checkNetworkPolicies(objects),
    ...checkMemcached(objects),
  ];
}

function checkWorkloads(objects: readonly K8sObject[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const workload of objects) {
    const template = podTemplate(workload);
    if (template === undefined) continue;
    const report = (problem: string) => problems.push({ object: label(workload), problem });
    const podSpec = obj(template['spec']);
    const grace = num(podSpec['terminationGracePeriodSeconds']);
    if (grace === undefined || grace < MIN_TERMINATION_GRACE_SECONDS) report(`terminationGracePeriodSeconds must be >= ${MIN_TERMINATION_GRACE_SECONDS} to drain a batch (is ${grace ?? 'unset: 30 by default, set it explicitly'})`);
    if (podSpec['automountServiceAccountToken'] !== false) report('automountServiceAccountToken must be false (the services never call the API server)');
    const podSecurity = obj(podSpec['securityContext']);
    if (podSecurity['runAsNonRoot'] !== true) report('pod securityContext.runAsNonRoot must be true');
    const uid = num(podSecurity['runAsUser']);
    if (uid === undefined || uid === 0) report('pod securityContext.runAsUser must be a non-zero uid (the image user is numeric 1000)');
    if (str(dig(podSecurity, 'seccompProfile', 'type')) !== 'RuntimeDefault') report('pod seccompProfile must be RuntimeDefault');
    // Our services expose /metrics; supporting pods (memcached) have none to announce.
    const service = arr(podSpec['containers']).some((container) => isServiceContainer(obj(container)));
    const annotations = obj(dig(template, 'metadata', 'annotations'));
    if (service && annotations['prometheus.io/scrape'] !== 'true') report('pod template needs the prometheus.io/scrape: "true" annotation');
    const ports = arr(podSpec['containers']).flatMap((container) => arr(dig(container, 'ports')).map((port) => String(num(dig(port, 'containerPort')))));
    if (service && !ports.includes(str(annotations['prometheus.io/port']) ?? '')) report('prometheus.io/port must name a declared containerPort');
    if (service && annotations['prometheus.io/path'] !== '/metrics') report('prometheus.io/path must be /metrics');
    const volumes = new Set(arr(podSpec['volumes']).map((volume) => str(dig(volume, 'name'))));
    for (const container of arr(podSpec['containers'])) {
      for (const mount of arr(dig(container, 'volumeMounts'))) {
        if (!volumes.has(str(dig(mount, 'name')))) report(`volumeMount ${str(dig(mount, 'name'))} names no volume`);
      }
    }
    const app = obj(dig(template, 'metadata', 'labels'))['app.kubernetes.io/name'];
    if (workload.kind === 'Deployment' && app === 'misp-sync') {
      // Two misp-sync processes would race on the indicator topic and memcached.
      if (num(dig(workload.body, 'spec', 'replicas')) !== 1) report('misp-sync must run exactly one replica');
      if (str(dig(workload.body, 'spec', 'strategy', 'type')) !== 'Recreate') report('misp-sync must use the Recreate strategy (never two at once)');
    }
    if (workload.kind === 'CronJob' && str(dig(workload.body, 'spec', 'concurrencyPolicy')) !== 'Forbid') report('a CronJob must forbid concurrent runs');
  }
  return problems;
}

function checkContainers(objects: readonly K8sObject[], context: ManifestContext): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const entry of workloadContainers(objects)) {
    const { workload, podSpec, container } = entry;
    const name = str(container['name']) ?? '?';
    const report = (problem: string) => problems.push({ object: `${label(workload)} container ${name}`, problem });
    const security = obj(container['securityContext']);
    const podSecurity = obj(podSpec['securityContext']);
    if ((security['runAsNonRoot'] ?? podSecurity['runAsNonRoot']) !== true) report('runAsNonRoot must be true');
    if (security['allowPrivilegeEscalation'] !== false) report('allowPrivilegeEscalation must be false');
    if (security['readOnlyRootFilesystem'] !== true) report('readOnlyRootFilesystem must be true');
    if (!arr(dig(security, 'capabilities', 'drop')).includes('ALL')) report('capabilities.drop must include ALL');
    if (arr(dig(security, 'capabilities', 'add')).length > 0) report('no capability may be added');
    if ((str(dig(security, 'seccompProfile', 'type')) ?? str(dig(podSecurity, 'seccompProfile', 'type'))) !== 'RuntimeDefault') report('seccompProfile must be RuntimeDefault');
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (dig(container, 'resources', kind, resource) === undefined) report(`resources.${kind}.${resource} must be set`);
      }
    }
    const requested = memoryBytes(str(dig(container, 'resources', 'requests', 'memory')));
    const limit = memoryBytes(str(dig(container, 'resources', 'limits', 'memory')));
    if (requested !== undefined && limit !== undefined && limit < requested) report('the memory limit is below the request');
    const service = isServiceContainer(container);
    const probeProblems = service ? checkProbes(entry) : checkSupportingProbes(entry);
    problems.push(...probeProblems.map((problem) => ({ object: `${label(workload)} container ${name}`, problem })));
    if (service) {
      // `command` would replace the image ENTRYPOINT (tini), and SIGTERM would no longer be forwarded.
      if (container['command'] !== undefined) report('must not set `command` (it bypasses tini, the image entrypoint); use `args`');
      const args = arr(container['args']).map((arg) => str(arg) ?? '');
      const app = appOf(container);
      if (args[0] !== 'node' || app === undefined || args[1] !== `dist/apps/${app}/main.js`) report('args must start with node dist/apps/<app>/main.js (the image contract)');
    }
    const image = str(container['image']) ?? '';
    if (!/^[^:@\s]+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/.test(image) || (!image.includes(':') && !image.includes('@'))) report(`image ${image} must be pinned with a tag or digest`);
    if (image.endsWith(':latest')) report('image must not use the latest tag');
    const environment = containerEnvironment(objects, container);
    problems.push(...checkFilesAreMounted(environment, container).map((problem) => ({ object: `${label(workload)} container ${name}`, problem })));
    problems.push(...checkKafkaSecurity(environment, context).map((problem) => ({ object: `${label(workload)} container ${name}`, problem })));
  }
  return problems;
}

function checkProbes({ workload, container }: WorkloadContainer): string[] {
  const problems: string[] = [];
  const ports = new Map(arr(container['ports']).map((port) => [str(dig(port, 'name')) ?? '', num(dig(port, 'containerPort'))]));
  const probe = (field: string, path: string, required: boolean) => {
    const spec = container[field];
    if (spec === undefined) {
      if (required) problems.push(`${field} is missing`);
      return;
    }
    if (str(dig(spec, 'httpGet', 'path')) !== path) problems.push(`${field} must be an httpGet on ${path}`);
    const port = dig(spec, 'httpGet', 'port');
    const known = typeof port === 'string' ? ports.has(port) : [...ports.values()].includes(num(port));
    if (!known) problems.push(`${field} port ${String(port)} is not a declared container port`);
  };
  probe('livenessProbe', '/health/live', true);
  probe('startupProbe', '/health/live', false);
  // A Job's pod takes no traffic and is never "rolled": readiness would mean nothing there.
  probe('readinessProbe', '/health/ready', workload.kind !== 'CronJob' && workload.kind !== 'Job');
  return problems;
}

/**
 * A supporting container (memcached) speaks no HTTP health API: liveness and readiness probes of
 * any handler, on a declared port when they name one.
 */
function checkSupportingProbes({ container }: WorkloadContainer): string[] {
  const problems: string[] = [];
  const ports = new Map(arr(container['ports']).map((port) => [str(dig(port, 'name')) ?? '', num(dig(port, 'containerPort'))]));
  for (const field of ['livenessProbe', 'readinessProbe']) {
    const spec = container[field];
    if (spec === undefined) {
      problems.push(`${field} is missing`);
      continue;
    }
    const port = dig(spec, 'tcpSocket', 'port') ?? dig(spec, 'httpGet', 'port') ?? dig(spec, 'grpc', 'port');
    if (port === undefined && dig(spec, 'exec') === undefined) problems.push(`${field} needs a tcpSocket, httpGet, grpc or exec handler`);
    if (port !== undefined && !(typeof port === 'string' ? ports.has(port) : [...ports.values()].includes(num(port)))) problems.push(`${field} port ${String(port)} is not a declared container port`);
  }
  return problems;
}

/** A `*_CA_FILE` (or any `*_FILE`) path must sit under a mounted volume: a missing file only fails at boot. */
function checkFilesAreMounted(environment: ReadonlyMap<string, EnvSource>, container: JsonObject): string[] {
  const mounts = arr(container['volumeMounts']).map((mount) => str(dig(mount, 'mountPath')) ?? '');
  const problems: string[] = [];
  for (const [name, source] of environment) {
    if (!name.endsWith('_FILE') || !('value' in source)) continue;
    if (!mounts.some((mount) => mount !== '' && source.value.startsWith(`${mount.replace(/\/$/, '')}/`))) problems.push(`${name}=${source.value} is not under any volumeMount`);
  }
  return problems;
}

function checkKafkaSecurity(environment: ReadonlyMap<string, EnvSource>, context: ManifestContext): string[] {
  const problems: string[] = [];
  const hasPassword = environment.has('KAFKA_SASL_PASSWORD');
  const mechanism = environment.get('KAFKA_SASL_MECHANISM');
  if (hasPassword && (mechanism === undefined || !('value' in mechanism) || KEDA_SASL[mechanism.value] === undefined)) problems.push('KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not plain, scram-sha-256 or scram-sha-512');
  if (mechanism !== undefined && (!hasPassword || !environment.has('KAFKA_SASL_USERNAME'))) problems.push('KAFKA_SASL_MECHANISM is set without KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  for (const [name, source] of environment) {
    if ((context.secretVariables.has(name) || SECRET_LIKE.test(name)) && !('secret' in source)) problems.push(`${name} must come from a secretKeyRef`);
  }
  return problems;
}

function checkNoInlineSecrets(objects: readonly K8sObject[], context: ManifestContext): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const object of objects) {
    // Secrets are created by the operator (docs/deploy.md); the repository ships none.
    if (object.kind === 'Secret') problems.push({ object: label(object), problem: 'no Secret may be rendered: secrets are created out of band and referenced' });
    if (object.kind !== 'ConfigMap') continue;
    for (const key of Object.keys(obj(object.body['data']))) {
      if (context.secretVariables.has(key) || SECRET_LIKE.test(key)) problems.push({ object: label(object), problem: `${key} is a secret and must not be in a ConfigMap` });
    }
  }
  return problems;
}

interface Autoscaler {
  readonly object: K8sObject;
  readonly target: string;
  readonly max: number | undefined;
}

function autoscalers(objects: readonly K8sObject[]): Autoscaler[] {
  return objects.flatMap((object): Autoscaler[] => {
    if (object.kind === 'ScaledObject') return [{ object, target: str(dig(object.body, 'spec', 'scaleTargetRef', 'name')) ?? '', max: num(dig(object.body, 'spec', 'maxReplicaCount')) }];
    if (object.kind === 'HorizontalPodAutoscaler') return [{ object, target: str(dig(object.body, 'spec', 'scaleTargetRef', 'name')) ?? '', max: num(dig(object.body, 'spec', 'maxReplicas')) }];
    return [];
  });
}

function checkAutoscalers(objects: readonly K8sObject[], context: ManifestContext): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const all = autoscalers(objects);
  for (const { object, target, max } of all) {
    const report = (problem: string) => problems.push({ object: label(object), problem });
    const deployment = objects.find((candidate) => candidate.kind === 'Deployment' && candidate.name === target);
    if (deployment === undefined) {
      report(`scales ${target}, which is not a Deployment in this overlay`);
      continue;
    }
    if (all.filter((other) => other.target === target).length > 1) report(`${target} has more than one autoscaler (KEDA and an HPA would fight)`);
    if (dig(deployment.body, 'spec', 'replicas') !== undefined) report(`${target} sets spec.replicas although an autoscaler owns it (every apply would reset the scale)`);
    const annotations = obj(dig(object.body, 'metadata', 'annotations'));
    const topic = str(annotations['iocflow.io/topic']);
    const partitions = topic === undefined ? undefined : context.topicPartitions.get(topic);
    if (topic === undefined || partitions === undefined) {
      report(`needs an iocflow.io/topic annotation naming a topic of deploy/k8s/topics.yaml (is ${topic ?? 'unset'})`);
      continue;
    }
    if (str(annotations['iocflow.io/topic-partitions']) !== String(partitions)) report(`iocflow.io/topic-partitions must be ${partitions}, the partitions of ${topic} in topics.yaml`);
    if (max === undefined || max > partitions) report(`the replica maximum (${max ?? 'unset'}) must not exceed the ${partitions} partitions of ${topic}: extra consumers sit idle and only add rebalances`);
    if (object.kind === 'ScaledObject') problems.push(...checkKafkaTriggers(object, deployment, topic, objects).map((problem) => ({ object: label(object), problem })));
  }
  return problems;
}

function checkKafkaTriggers(scaledObject: K8sObject, deployment: K8sObject, topic: string, objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const triggers = arr(dig(scaledObject.body, 'spec', 'triggers'));
  const container = obj(arr(dig(podTemplate(deployment), 'spec', 'containers'))[0]);
  const environment = containerEnvironment(objects, container);
  const valueOf = (name: string) => {
    const source = environment.get(name);
    return source !== undefined && 'value' in source ? source.value : undefined;
  };
  if (triggers.length === 0) problems.push('has no trigger');
  for (const trigger of triggers) {
    if (str(dig(trigger, 'type')) !== 'kafka') {
      problems.push(`trigger type ${str(dig(trigger, 'type'))} is not kafka`);
      continue;
    }
    const metadata = obj(dig(trigger, 'metadata'));
    for (const key of Object.keys(metadata)) if (!KAFKA_TRIGGER_KEYS.has(key)) problems.push(`unknown kafka trigger key ${key} (KEDA would ignore it)`);
    const resolved = (key: string) => {
      const fromEnv = str(metadata[`${key}FromEnv`]);
      if (fromEnv === undefined) return str(metadata[key]);
      const value = valueOf(fromEnv);
      if (value === undefined) problems.push(`${key}FromEnv names ${fromEnv}, which ${deployment.name}'s first container does not define`);
      return value;
    };
    for (const key of ['bootstrapServers', 'consumerGroup', 'topic']) if (resolved(key) === undefined) problems.push(`${key} is not set`);
    const triggerTopic = resolved('topic');
    if (triggerTopic !== undefined && triggerTopic !== topic) problems.push(`scales on topic ${triggerTopic} but is annotated ${topic}`);
    if (!/^[1-9]\d*$/.test(str(metadata['lagThreshold']) ?? '')) problems.push('lagThreshold must be a positive integer string');
    if (str(metadata['allowIdleConsumers']) !== 'false') problems.push('allowIdleConsumers must be "false" (never more consumers than partitions)');
    const mechanism = valueOf('KAFKA_SASL_MECHANISM');
    const expectedSasl = mechanism === undefined ? undefined : KEDA_SASL[mechanism];
    const sasl = str(metadata['sasl']);
    if (expectedSasl !== sasl && !(expectedSasl === undefined && (sasl === undefined || sasl === 'none'))) problems.push(`sasl is ${sasl ?? 'unset'} but the services use KAFKA_SASL_MECHANISM=${mechanism ?? 'unset'} (KEDA spelling ${expectedSasl ?? 'none'})`);
    const tls = valueOf('KAFKA_SSL') === 'true';
    if ((str(metadata['tls']) === 'enable') !== tls) problems.push(`tls is ${str(metadata['tls']) ?? 'unset'} but the services use KAFKA_SSL=${valueOf('KAFKA_SSL') ?? 'unset'}`);
    if (sasl !== undefined && sasl !== 'none') {
      const authName = str(dig(trigger, 'authenticationRef', 'name'));
      const auth = objects.find((candidate) => candidate.kind === 'TriggerAuthentication' && candidate.name === authName);
      const parameters = new Set(arr(dig(auth?.body, 'spec', 'secretTargetRef')).map((ref) => str(dig(ref, 'parameter'))));
      if (auth === undefined) problems.push(`sasl is set but authenticationRef ${authName ?? 'unset'} names no TriggerAuthentication`);
      else if (!parameters.has('username') || !parameters.has('password')) problems.push(`TriggerAuthentication ${authName} must give username and password`);
    }
  }
  return problems;
}

/**
 * Every scaled (or scalable) Deployment and every StatefulSet (memcached) gets a budget; misp-sync
 * (one replica, Recreate) does not need one.
 */
function checkDisruptionBudgets(objects: readonly K8sObject[]): ManifestProblem[] {
  const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
  return objects
    .filter((object) => (object.kind === 'Deployment' && str(dig(object.body, 'spec', 'strategy', 'type')) !== 'Recreate') || object.kind === 'StatefulSet')
    .filter((deployment) => !budgets.some((budget) => selectorMatches(obj(dig(budget.body, 'spec', 'selector', 'matchLabels')), obj(dig(podTemplate(deployment), 'metadata', 'labels')))))
    .map((deployment) => ({ object: label(deployment), problem: 'no PodDisruptionBudget selects its pods' }));
}

/** A ServiceMonitor must reach every long-running workload through a Service port it scrapes. */
function checkMonitoring(objects: readonly K8sObject[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const services = objects.filter((object) => object.kind === 'Service');
  for (const monitor of objects.filter((object) => object.kind === 'ServiceMonitor')) {
    const selector = obj(dig(monitor.body, 'spec', 'selector', 'matchLabels'));
    const endpointPorts = arr(dig(monitor.body, 'spec', 'endpoints')).map((endpoint) => str(dig(endpoint, 'port')));
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      const podLabels = obj(dig(podTemplate(deployment), 'metadata', 'labels'));
      const covered = services.some(
        (service) =>
          selectorMatches(selector, obj(dig(service.body, 'metadata', 'labels'))) &&
          selectorMatches(obj(dig(service.body, 'spec', 'selector')), podLabels) &&
          arr(dig(service.body, 'spec', 'ports')).some((port) => endpointPorts.includes(str(dig(port, 'name')))),
      );
      if (!covered) problems.push({ object: label(monitor), problem: `does not reach ${label(deployment)} (no selected Service with a scraped port selects its pods)` });
    }
  }
  return problems;
}
