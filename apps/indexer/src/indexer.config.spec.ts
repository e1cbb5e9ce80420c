import { ConfigError } from '@iocflow/nest';
import { loadIndexerConfig } from './indexer.config';

describe('loadIndexerConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadIndexerConfig({})).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
      ENRICHED_LOGS_TOPIC: 'enriched-logs',
      ELASTICSEARCH_INDEX_MODE: 'daily',
      ELASTICSEARCH_INDEX: 'iocflow-logs',
      indexTarget: { kind: 'daily', prefix: 'iocflow-logs' },
      deadLetterTopic: 'enriched-logs-dlq',
      ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED: true,
      INDEXER_BULK_MAX_DOCS: 1000,
      INDEXER_BULK_MAX_BYTES: 5 * 1_048_576,
      INDEXER_BULK_LINGER: 50,
      INDEXER_BULK_CONCURRENCY: 4,
      INDEXER_HOLD_MAX: 25_000,
      INDEXER_COMMIT_MODE: 'on-acknowledge',
      INDEXER_MAX_IN_FLIGHT_BATCHES: 8,
    });
  });

  it('derives the dead-letter topic from the source topic unless set', () => {
    expect(loadIndexerConfig({ ENRICHED_LOGS_TOPIC: 'x' }).deadLetterTopic).toBe('x-dlq');
    expect(loadIndexerConfig({ DEAD_LETTER_TOPIC: 'dlq' }).deadLetterTopic).toBe('dlq');
  });

  it('lists every bad variable at once and never echoes a secret', () => {
    let error: unknown;
    try {
      loadIndexerConfig({
        ELASTICSEARCH_INDEX: 'Bad,Index',
        ELASTICSEARCH_URL: 'https://elastic:hunter2@es:9200',
        INDEXER_BULK_MAX_DOCS: '0',
        INDEXER_BULK_LINGER: 'soon',
        ENRICHED_LOGS_TOPIC: 'bad topic',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['ELASTICSEARCH_INDEX', 'ELASTICSEARCH_URL', 'ENRICHED_LOGS_TOPIC', 'INDEXER_BULK_LINGER', 'INDEXER_BULK_MAX_DOCS'].sort(),
    );
    expect(String(error)).not.toContain('hunter2');
  });

  describe('index mode', () => {
    it.each([
      [{}, { kind: 'daily', prefix: 'iocflow-logs' }],
      [{ ELASTICSEARCH_INDEX: 'acme-logs' }, { kind: 'daily', prefix: 'acme-logs' }],
      [{ ELASTICSEARCH_INDEX_MODE: 'daily', ELASTICSEARCH_INDEX: 'logs-iocflow-default' }, { kind: 'daily', prefix: 'logs-iocflow-default' }],
      [{ ELASTICSEARCH_INDEX_MODE: 'data-stream' }, { kind: 'data-stream', name: 'logs-iocflow-default' }],
      [{ ELASTICSEARCH_INDEX_MODE: 'data-stream', ELASTICSEARCH_INDEX: 'logs-iocflow.dns-prod' }, { kind: 'data-stream', name: 'logs-iocflow.dns-prod' }],
      [{ ELASTICSEARCH_INDEX_MODE: 'data-stream', ELASTICSEARCH_INDEX: 'iocflow-logs' }, { kind: 'data-stream', name: 'iocflow-logs' }],
    ])('%j → %j', (env, target) => {
      const config = loadIndexerConfig(env);
      expect(config.indexTarget).toEqual(target);
      expect(config.ELASTICSEARCH_INDEX).toBe('prefix' in target ? target.prefix : target.name);
    });

    it.each([
      [{ ELASTICSEARCH_INDEX_MODE: 'datastream' }, 'ELASTICSEARCH_INDEX_MODE', /expected one of/],
      [{ ELASTICSEARCH_INDEX: 'Bad,Index' }, 'ELASTICSEARCH_INDEX', /ELASTICSEARCH_INDEX_MODE=daily, invalid Elasticsearch index prefix/],
      // valid as a daily prefix, not as a data stream: the combination is refused
      [{ ELASTICSEARCH_INDEX_MODE: 'data-stream', ELASTICSEARCH_INDEX: '.iocflow' }, 'ELASTICSEARCH_INDEX', /ELASTICSEARCH_INDEX_MODE=data-stream, invalid Elasticsearch data stream name ".iocflow": must not start with/],
      [{ ELASTICSEARCH_INDEX_MODE: 'data-stream', ELASTICSEARCH_INDEX: 'logs-*' }, 'ELASTICSEARCH_INDEX', /data stream name "logs-\*": must not contain/],
      [{ ELASTICSEARCH_INDEX_MODE: 'data-stream', ELASTICSEARCH_INDEX: 'x'.repeat(240) }, 'ELASTICSEARCH_INDEX', /room for its backing index/],
    ])('refuses %j with one ConfigError naming %s', (env, variable, message) => {
      let error: unknown;
      try {
        loadIndexerConfig(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
      expect(problems[0]).toMatch(message);
    });

    it('reports a bad data stream name together with the other bad variables', () => {
      let error: unknown;
      try {
        loadIndexerConfig({ ELASTICSEARCH_INDEX_MODE: 'data-stream', ELASTICSEARCH_INDEX: '_x', INDEXER_BULK_MAX_DOCS: '0' });
      } catch (caught) {
        error = caught;
      }
      expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['ELASTICSEARCH_INDEX', 'INDEXER_BULK_MAX_DOCS']);
    });
  });
});
