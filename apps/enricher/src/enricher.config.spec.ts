import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@iocflow/nest';
import { loadEnricherConfig } from './enricher.config';
import { DEFAULT_LOOKUP_RULES, LookupRulesError } from './pipeline/lookup-rules';

describe('loadEnricherConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadEnricherConfig({});
    expect(config).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      MEMCACHED_SERVERS: ['127.0.0.1:11211'],
      RAW_LOGS_TOPIC: 'raw-logs',
      ENRICHED_LOGS_TOPIC: 'enriched-logs',
      IOC_TOPIC: 'misp-iocs',
      deadLetterTopic: 'raw-logs-dlq',
      ENRICHER_LOOKUP_MODE: 'memcached',
      ENRICHER_ON_STORE_UNAVAILABLE: 'hold',
      ENRICHER_MAX_STALENESS: 900_000,
      ENRICHER_PARENT_DOMAINS: true,
      ENRICHER_IP_RANGES: 'follow',
      // issue 11: the named limits
      ENRICHER_MAX_DEPTH: 1000,
      ENRICHER_MAX_ENRICHMENTS: 32,
      ENRICHER_MAX_RECORD_BYTES: 0,
      MEMCACHED_MAX_REPLY_BYTES: 16 * 1_048_576,
    });
    expect(config.lookupRules).toBe(DEFAULT_LOOKUP_RULES);
  });

  it('derives the dead-letter topic from the raw topic and reads rules from JSON', () => {
    const config = loadEnricherConfig({ RAW_LOGS_TOPIC: 'logs', ENRICHER_LOOKUP_RULES: '"domain-%{[destination][domain]}"' });
    expect(config.deadLetterTopic).toBe('logs-dlq');
    expect(config.lookupRules).toEqual([{ field: 'destination.domain', kind: 'domain' }]);
  });

  it("reads the seed's Logstash get line as it is, from the variable or a file", () => {
    const line = 'get => { "domain-%{[destination][domain]}" => "[misp_src]" }';
    expect(loadEnricherConfig({ ENRICHER_LOOKUP_RULES: line }).lookupRules).toEqual([{ field: 'destination.domain', kind: 'domain' }]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'enricher-rules-'));
    try {
      writeFileSync(path.join(dir, 'memcached.conf'), `# from logstash.conf\n${line}\n`);
      expect(loadEnricherConfig({ ENRICHER_LOOKUP_RULES: `@${path.join(dir, 'memcached.conf')}` }).lookupRules).toEqual([{ field: 'destination.domain', kind: 'domain' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every bad variable at once', () => {
    expect(() => loadEnricherConfig({ ENRICHER_LOOKUP_MODE: 'redis', ENRICHER_ON_STORE_UNAVAILABLE: 'none', ENRICHER_MAX_STALENESS: 'soon' })).toThrow(ConfigError);
  });

  it('takes 0 (the topic limit) or a real record limit, nothing in between', () => {
    expect(loadEnricherConfig({ ENRICHER_MAX_RECORD_BYTES: '900000' }).ENRICHER_MAX_RECORD_BYTES).toBe(900_000);
    expect(() => loadEnricherConfig({ ENRICHER_MAX_RECORD_BYTES: '100' })).toThrow(ConfigError);
  });

  it('refuses bad rules', () => {
    expect(() => loadEnricherConfig({ ENRICHER_LOOKUP_RULES: '{"a":"b"}' })).toThrow(LookupRulesError);
    expect(() => loadEnricherConfig({ ENRICHER_LOOKUP_RULES: 'get => { "domain-%{[destination][domain]}" => "[misp_src]", }' })).toThrow(/LOOKUP_RULES_INVALID: Logstash get hash, line 1 column 59: Logstash separates hash entries/);
    expect(() => loadEnricherConfig({ ENRICHER_IP_RANGES: 'maybe' })).toThrow(ConfigError);
  });
});
