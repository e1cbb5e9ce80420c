/**
 * docker-compose.yml cannot run here (no Docker engine), so its contract is checked statically:
 * it parses, it names every service of the topology, and each app gets exactly the variables its
 * config schema validates — the connection settings it needs set, nothing it would ignore, no
 * secret written into the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readAppConfigNames } from './app-config-names';
import { REPO_ROOT } from './k8s-tools';

type Service = { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown> };

const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const config = readAppConfigNames(REPO_ROOT, ['misp-sync', 'enricher', 'indexer', 'hunter']);

/** What each app cannot run without (its connections and topics). */
const NEEDED: Readonly<Record<string, readonly string[]>> = {
  'misp-sync': ['KAFKA_BROKERS', 'MEMCACHED_SERVERS', 'MISP_URL', 'MISP_API_KEY', 'IOC_TOPIC'],
  enricher: ['KAFKA_BROKERS', 'MEMCACHED_SERVERS', 'RAW_LOGS_TOPIC', 'ENRICHED_LOGS_TOPIC', 'IOC_TOPIC'],
  indexer: ['KAFKA_BROKERS', 'ELASTICSEARCH_URL', 'ENRICHED_LOGS_TOPIC'],
  hunter: ['KAFKA_BROKERS', 'ELASTICSEARCH_URL', 'IOC_TOPIC', 'THREAT_HITS_TOPIC'],
};

describe('docker-compose.yml', () => {
  it('names the whole topology: Kafka, memcached, Elasticsearch and the four services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['elasticsearch', 'enricher', 'hunter', 'indexer', 'kafka', 'memcached', 'misp-sync']);
    for (const infra of ['kafka', 'memcached', 'elasticsearch']) expect(compose.services[infra]?.image).toMatch(/^[\w./-]+:[\w.-]+$/);
  });

  it.each(Object.keys(NEEDED))('%s: built from the Dockerfile, every needed variable set, only variables its schema validates', (app) => {
    const service = compose.services[app] ?? {};
    expect(service.build).toBeDefined();
    const environment = service.environment ?? {};
    const accepted = config.byApp.get(app) ?? new Set<string>();
    expect((NEEDED[app] ?? []).filter((name) => !(name in environment))).toEqual([]);
    expect(Object.keys(environment).filter((name) => !accepted.has(name))).toEqual([]);
    expect(service.depends_on).toHaveProperty('kafka');
  });

  it('points the services at the compose hosts and keeps secrets out of the file', () => {
    const env = (app: string) => compose.services[app]?.environment ?? {};
    expect(env('enricher')['KAFKA_BROKERS']).toBe('kafka:9092');
    expect(env('enricher')['MEMCACHED_SERVERS']).toBe('memcached:11211');
    expect(env('indexer')['ELASTICSEARCH_URL']).toBe('http://elasticsearch:9200');
    for (const app of Object.keys(NEEDED)) {
      for (const [name, value] of Object.entries(env(app))) {
        if (config.secretVariables.has(name)) expect([name, value]).toEqual([name, expect.stringMatching(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/)]);
      }
    }
  });
});
