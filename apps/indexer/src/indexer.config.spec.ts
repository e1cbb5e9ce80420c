import { ConfigError } from '@iocflow/nest';
import { loadIndexerConfig } from './indexer.config';

describe('loadIndexerConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadIndexerConfig({})).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
      ENRICHED_LOGS_TOPIC: 'enriched-logs',
      ELASTICSEARCH_INDEX: 'iocflow-logs',
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
});
