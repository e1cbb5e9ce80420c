import { parseObjects, type K8sObject } from './k8s-objects';
import { checkManifests, type ManifestContext } from './manifest-checks';

/**
 * The structural checks must catch what they claim to: a compliant enricher set passes, and each
 * single violation (applied with a text edit of the YAML, as a careless overlay would) is reported.
 */
const GOOD = `
apiVersion: v1
kind: ConfigMap
metadata: {name: iocflow-common}
data: {KAFKA_BROKERS: "kafka:9093", KAFKA_SSL: "true", KAFKA_SASL_MECHANISM: scram-sha-512, ENRICHER_GROUP_ID: iocflow-enricher, RAW_LOGS_TOPIC: raw-logs}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: iocflow-enricher}
spec:
  strategy: {type: RollingUpdate}
  selector: {matchLabels: {app.kubernetes.io/name: enricher}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: enricher}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080", prometheus.io/path: /metrics}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 60
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: iocflow
          image: registry.example.org/iocflow:0.1.0
          args: [node, dist/apps/enricher/main.js]
          envFrom: [{configMapRef: {name: iocflow-common}}]
          env:
            - {name: KAFKA_SASL_USERNAME, valueFrom: {secretKeyRef: {name: iocflow-kafka, key: username}}}
            - {name: KAFKA_SASL_PASSWORD, valueFrom: {secretKeyRef: {name: iocflow-kafka, key: password}}}
          ports: [{name: http, containerPort: 8080}]
          livenessProbe: {httpGet: {path: /health/live, port: http}}
          readinessProbe: {httpGet: {path: /health/ready, port: http}}
          resources: {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: "1", memory: 256Mi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: iocflow-enricher}
spec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: enricher}}}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: iocflow-enricher, annotations: {iocflow.io/topic: raw-logs, iocflow.io/topic-partitions: "12"}}
spec:
  scaleTargetRef: {name: iocflow-enricher}
  maxReplicaCount: 12
  triggers:
    - type: kafka
      authenticationRef: {name: iocflow-kafka}
      metadata: {bootstrapServersFromEnv: KAFKA_BROKERS, consumerGroupFromEnv: ENRICHER_GROUP_ID, topicFromEnv: RAW_LOGS_TOPIC, lagThreshold: "50000", allowIdleConsumers: "false", sasl: scram_sha512, tls: enable}
---
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata: {name: iocflow-kafka}
spec:
  secretTargetRef: [{parameter: username, name: iocflow-kafka, key: username}, {parameter: password, name: iocflow-kafka, key: password}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: iocflow-enricher}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: enricher}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
      ports: [{port: http, protocol: TCP}]
  egress:
    - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}, {port: 9093, protocol: TCP}]
`;

const context: ManifestContext = {
  topicPartitions: new Map([['raw-logs', 12]]),
  secretVariables: new Set(['MISP_API_KEY', 'KAFKA_SASL_PASSWORD', 'ELASTICSEARCH_API_KEY', 'ELASTICSEARCH_PASSWORD']),
};

function check(yaml: string): string[] {
  const objects: K8sObject[] = parseObjects(yaml);
  return checkManifests(objects, context).map((problem) => `${problem.object}: ${problem.problem}`);
}

function edit(from: string, to: string): string {
  if (!GOOD.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return GOOD.replace(from, to);
}

describe('checkManifests', () => {
  it('accepts a compliant set', () => {
    expect(check(GOOD)).toEqual([]);
  });

  it.each([
    ['no liveness probe', edit('          livenessProbe: {httpGet: {path: /health/live, port: http}}\n', ''), 'livenessProbe is missing'],
    ['readiness on the wrong path', edit('path: /health/ready', 'path: /healthz'), 'readinessProbe must be an httpGet on /health/ready'],
    ['a probe on an undeclared port', edit('path: /health/live, port: http', 'path: /health/live, port: metrics'), 'livenessProbe port metrics is not a declared container port'],
    ['no memory limit', edit('limits: {cpu: "1", memory: 256Mi}', 'limits: {cpu: "1"}'), 'resources.limits.memory must be set'],
    ['a limit below the request', edit('limits: {cpu: "1", memory: 256Mi}', 'limits: {cpu: "1", memory: 128Mi}'), 'the memory limit is below the request'],
    ['root allowed', edit('runAsNonRoot: true, runAsUser: 1000', 'runAsUser: 1000'), 'runAsNonRoot must be true'],
    ['uid 0', edit('runAsUser: 1000', 'runAsUser: 0'), 'runAsUser must be a non-zero uid'],
    ['a writable root filesystem', edit('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'), 'readOnlyRootFilesystem must be true'],
    ['capabilities kept', edit('drop: [ALL]', 'drop: [NET_RAW]'), 'capabilities.drop must include ALL'],
    ['a short drain window', edit('terminationGracePeriodSeconds: 60', 'terminationGracePeriodSeconds: 10'), 'terminationGracePeriodSeconds must be >= 30'],
    ['an inline SASL password', edit('{name: KAFKA_SASL_PASSWORD, valueFrom: {secretKeyRef: {name: iocflow-kafka, key: password}}}', '{name: KAFKA_SASL_PASSWORD, value: hunter2}'), 'KAFKA_SASL_PASSWORD must come from a secretKeyRef'],
    ['a secret in a ConfigMap', edit('RAW_LOGS_TOPIC: raw-logs}', 'RAW_LOGS_TOPIC: raw-logs, MISP_API_KEY: abc}'), 'MISP_API_KEY is a secret and must not be in a ConfigMap'],
    ['a rendered Secret', `${GOOD}---\napiVersion: v1\nkind: Secret\nmetadata: {name: leaked}\nstringData: {api-key: abc}\n`, 'no Secret may be rendered'],
    ['`command` replacing tini', edit('args: [node, dist/apps/enricher/main.js]', 'command: [node, dist/apps/enricher/main.js]'), 'must not set `command`'],
    ['the latest tag', edit('iocflow:0.1.0', 'iocflow:latest'), 'image must not use the latest tag'],
    ['an unpinned image', edit('registry.example.org/iocflow:0.1.0', 'iocflow'), 'must be pinned with a tag or digest'],
    ['more replicas than partitions', edit('maxReplicaCount: 12', 'maxReplicaCount: 24'), 'must not exceed the 12 partitions of raw-logs'],
    ['a stale partition annotation', edit('iocflow.io/topic-partitions: "12"', 'iocflow.io/topic-partitions: "6"'), 'iocflow.io/topic-partitions must be 12'],
    ['a fixed replica count under an autoscaler', edit('  strategy: {type: RollingUpdate}', '  replicas: 3\n  strategy: {type: RollingUpdate}'), 'sets spec.replicas although an autoscaler owns it'],
    ['a misspelt trigger key', edit('lagThreshold: "50000"', 'lagTreshold: "50000"'), 'unknown kafka trigger key lagTreshold'],
    ['a FromEnv variable the pod lacks', edit('consumerGroupFromEnv: ENRICHER_GROUP_ID', 'consumerGroupFromEnv: GROUP'), 'consumerGroupFromEnv names GROUP'],
    ['idle consumers allowed', edit('allowIdleConsumers: "false"', 'allowIdleConsumers: "true"'), 'allowIdleConsumers must be "false"'],
    ['a SASL mechanism KEDA does not share', edit('sasl: scram_sha512', 'sasl: scram_sha256'), 'sasl is scram_sha256 but the services use KAFKA_SASL_MECHANISM=scram-sha-512'],
    ['TLS on one side only', edit(', tls: enable}', '}'), 'tls is unset but the services use KAFKA_SSL=true'],
    ['SASL without a mechanism', edit('KAFKA_SASL_MECHANISM: scram-sha-512, ', ''), 'KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not'],
    ['no disruption budget', edit('kind: PodDisruptionBudget\nmetadata: {name: iocflow-enricher}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: enricher}}}', 'kind: PodDisruptionBudget\nmetadata: {name: iocflow-enricher}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: indexer}}}'), 'no PodDisruptionBudget selects its pods'],
    ['no scrape annotation', edit('prometheus.io/scrape: "true", ', ''), 'prometheus.io/scrape'],
    ['a CA file outside every mount', edit('RAW_LOGS_TOPIC: raw-logs}', 'RAW_LOGS_TOPIC: raw-logs, KAFKA_SSL_CA_FILE: /etc/ca/ca.crt}'), 'KAFKA_SSL_CA_FILE=/etc/ca/ca.crt is not under any volumeMount'],
  ])('reports %s', (_case, yaml, expected) => {
    const problems = check(yaml);
    expect(problems.some((problem) => problem.includes(expected))).toBe(true);
  });

  it('requires misp-sync to run one replica with the Recreate strategy', () => {
    const mispSync = GOOD.replace(/enricher/g, 'misp-sync').replace('strategy: {type: RollingUpdate}', 'replicas: 2\n  strategy: {type: RollingUpdate}');
    const problems = check(mispSync.split('---\napiVersion: keda.sh')[0] ?? '');
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('misp-sync must run exactly one replica'), expect.stringContaining('misp-sync must use the Recreate strategy')]));
  });
});
