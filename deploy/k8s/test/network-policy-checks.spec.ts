import { parseObjects } from './k8s-objects';
import { checkMemcached } from './memcached-checks';
import { checkNetworkPolicies } from './network-policy-checks';

/**
 * The NetworkPolicy and memcached checks must catch what they claim: a compliant set (enricher,
 * indexer, memcached, the base's policies in short form) passes, and each single careless edit an
 * overlay could make is reported.
 */
const GOOD = `
apiVersion: v1
kind: ConfigMap
metadata: {name: common}
data: {KAFKA_BROKERS: "kafka-0.example.org:9093,kafka-1.example.org:9093"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: enricher}
data: {MEMCACHED_SERVERS: "iocflow-memcached-0.iocflow-memcached:11211,iocflow-memcached-1.iocflow-memcached:11211", ENRICHER_LOOKUP_MODE: memcached}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: misp-sync}
data: {MEMCACHED_SERVERS: "iocflow-memcached-0.iocflow-memcached:11211,iocflow-memcached-1.iocflow-memcached:11211", MISP_URL: "https://misp.example.org"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: indexer}
data: {ELASTICSEARCH_URL: "https://es.example.org:9200"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: iocflow-enricher}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: enricher}}
    spec:
      containers:
        - name: iocflow
          args: [node, dist/apps/enricher/main.js]
          envFrom: [{configMapRef: {name: common}}, {configMapRef: {name: enricher}}]
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: iocflow-misp-sync}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: misp-sync}}
    spec:
      containers:
        - name: iocflow
          args: [node, dist/apps/misp-sync/main.js]
          envFrom: [{configMapRef: {name: common}}, {configMapRef: {name: misp-sync}}]
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: iocflow-indexer}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: indexer}}
    spec:
      containers:
        - name: iocflow
          args: [node, dist/apps/indexer/main.js]
          envFrom: [{configMapRef: {name: common}}, {configMapRef: {name: indexer}}]
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: iocflow-memcached}
spec:
  serviceName: iocflow-memcached
  replicas: 2
  template:
    metadata: {labels: {app.kubernetes.io/name: memcached}}
    spec:
      containers:
        - name: memcached
          args: ["-m", "256", "-M", "-c", "4096"]
          ports: [{name: memcached, containerPort: 11211}]
          resources: {requests: {memory: 320Mi}, limits: {memory: 320Mi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: services-ingress}
spec:
  podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [misp-sync, enricher, indexer]}]}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
      ports: [{port: http, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: memcached}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: memcached}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [misp-sync, enricher]}]}}]
      ports: [{port: memcached, protocol: TCP}]
  egress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-memcached}
spec:
  podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [misp-sync, enricher]}]}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app.kubernetes.io/name: memcached}}}]
      ports: [{port: 11211, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-dns}
spec:
  podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [misp-sync, enricher, indexer]}]}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-kafka}
spec:
  podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [misp-sync, enricher, indexer]}]}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 192.0.2.0/24}}]
      ports: [{port: 9093, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-elasticsearch}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: indexer}}
  policyTypes: [Egress]
  egress:
    - ports: [{port: 9200, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-misp}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: misp-sync}}
  policyTypes: [Egress]
  egress:
    - ports: [{port: 443, protocol: TCP}]
`;

function edit(from: string, to: string): string {
  if (!GOOD.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return GOOD.replace(from, to);
}

function problems(yaml: string): string[] {
  const objects = parseObjects(yaml);
  return [...checkNetworkPolicies(objects), ...checkMemcached(objects)].map((problem) => `${problem.object}: ${problem.problem}`);
}

const MEMCACHED_INGRESS = '    - from: [{podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [misp-sync, enricher]}]}}]';

describe('checkNetworkPolicies and checkMemcached', () => {
  it('accept a compliant set', () => {
    expect(problems(GOOD)).toEqual([]);
  });

  it.each([
    ['a service pod open to everyone (no ingress policy)', edit('  policyTypes: [Ingress]\n  ingress:\n    - from: [{namespaceSelector', '  policyTypes: [Egress]\n  ingress:\n    - from: [{namespaceSelector'), 'Deployment/iocflow-enricher: no NetworkPolicy isolates its pods for ingress'],
    ['metrics open to a whole namespace', edit(', podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]', '}]'), 'not both a namespaceSelector and a podSelector'],
    ['metrics open to every namespace', edit('{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector', '{namespaceSelector: {}, podSelector'), 'not both a namespaceSelector and a podSelector'],
    ['metrics open to an address range', edit('{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}', '{ipBlock: {cidr: 0.0.0.0/0}}'), 'accepts an ipBlock'],
    ['a service port other than HTTP opened', edit('ports: [{port: http, protocol: TCP}]', 'ports: [{port: http, protocol: TCP}, {port: 9229, protocol: TCP}]'), 'a port other than the HTTP port'],
    ['a rule without ports', edit('    - ports: [{port: 9200, protocol: TCP}]', '    - ports: []'), 'egress rule 0 allows every port'],
    ['memcached open to the indexer', edit(`${MEMCACHED_INGRESS}`, MEMCACHED_INGRESS.replace('[misp-sync, enricher]', '[misp-sync, enricher, indexer]')), 'lets Deployment/iocflow-indexer reach memcached'],
    ['memcached open to another namespace', edit(`${MEMCACHED_INGRESS}`, '    - from: [{namespaceSelector: {matchLabels: {team: logstash}}}]'), 'pods other than its clients'],
    ['memcached allowed to connect out', edit('  egress: []', '  egress: [{ports: [{port: 443, protocol: TCP}]}]'), 'memcached opens no connection'],
    ['memcached not isolated', edit('  policyTypes: [Ingress, Egress]\n  ingress:\n    - from: [{podSelector', '  policyTypes: [Egress]\n  ingress:\n    - from: [{podSelector'), 'StatefulSet/iocflow-memcached: no NetworkPolicy isolates its pods for ingress'],
    ['no DNS over TCP', edit('ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]', 'ports: [{port: 53, protocol: UDP}]'), 'no egress to DNS (port 53/TCP)'],
    ['Kafka on another port than KAFKA_BROKERS', edit('ports: [{port: 9093, protocol: TCP}]', 'ports: [{port: 9092, protocol: TCP}]'), 'no egress rule lets it reach KAFKA_BROKERS kafka-0.example.org:9093'],
    ['Elasticsearch not allowed', edit('podSelector: {matchLabels: {app.kubernetes.io/name: indexer}}\n  policyTypes: [Egress]', 'podSelector: {matchLabels: {app.kubernetes.io/name: nobody}}\n  policyTypes: [Egress]'), 'no egress rule lets it reach ELASTICSEARCH_URL es.example.org:9200'],
    ['MISP on http while the policy allows 443', edit('MISP_URL: "https://misp.example.org"', 'MISP_URL: "http://misp.example.org"'), 'MISP_URL misp.example.org:80'],
    ['the in-cluster memcached reached without naming its pods', edit('    - to: [{podSelector: {matchLabels: {app.kubernetes.io/name: memcached}}}]\n', '    - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n'), 'no egress rule lets it reach MEMCACHED_SERVERS iocflow-memcached-0.iocflow-memcached:11211'],
    ['clients that disagree on the server order', edit('data: {MEMCACHED_SERVERS: "iocflow-memcached-0.iocflow-memcached:11211,iocflow-memcached-1.iocflow-memcached:11211", MISP_URL', 'data: {MEMCACHED_SERVERS: "iocflow-memcached-1.iocflow-memcached:11211,iocflow-memcached-0.iocflow-memcached:11211", MISP_URL'), 'MEMCACHED_SERVERS differ'],
    ['a list missing a replica', GOOD.replace('replicas: 2', 'replicas: 3'), 'must list the 3 pods of StatefulSet/iocflow-memcached in order'],
    ['a server that is not rendered', GOOD.replace(/iocflow-memcached-1\.iocflow-memcached/g, 'iocflow-memcached-1.iocflow-memcached').replace('kind: StatefulSet\nmetadata: {name: iocflow-memcached}', 'kind: StatefulSet\nmetadata: {name: other-memcached}'), 'no memcached StatefulSet of that name is rendered'],
    ['a memory limit below a full memcached', edit('limits: {memory: 320Mi}', 'limits: {memory: 256Mi}'), 'is below what a full memcached -m 256 uses (287 MiB'],
    ['a request below the limit', edit('requests: {memory: 320Mi}', 'requests: {memory: 128Mi}'), 'request must equal its limit'],
    ['eviction allowed', edit('["-m", "256", "-M", "-c", "4096"]', '["-m", "256", "-c", "4096"]'), 'must run with -M'],
    ['no item memory given', edit('["-m", "256", "-M", "-c", "4096"]', '["-M", "-c", "4096"]'), 'needs an explicit -m'],
  ])('report %s', (_case, yaml, expected) => {
    const found = problems(yaml);
    expect(found.some((problem) => problem.includes(expected))).toBe(true);
  });

  it('skip the memcached list of a table-mode enricher (it does not use memcached)', () => {
    const tableMode = edit('data: {MEMCACHED_SERVERS: "iocflow-memcached-0.iocflow-memcached:11211,iocflow-memcached-1.iocflow-memcached:11211", ENRICHER_LOOKUP_MODE: memcached}', 'data: {MEMCACHED_SERVERS: "elsewhere:11211", ENRICHER_LOOKUP_MODE: table}');
    expect(problems(tableMode)).toEqual([]);
  });
});
