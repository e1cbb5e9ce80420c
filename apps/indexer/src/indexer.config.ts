import { DEFAULT_LOGS_TARGET, DEFAULT_MAX_JSON_DEPTH, indexTargetOf, indexTargetProblem, type IndexMode, type IndexTarget } from '@iocflow/core';
import { duration, elasticsearchEnvironment, integer, loadConfig, serviceEnvironment, topicName, type Environment } from '@iocflow/nest';
import { z } from 'zod';

const KAFKA_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * The indexer's environment, validated once at boot (one error lists every bad variable; secret
 * values are never echoed). Defaults live here; docs/indexer.md lists every variable.
 */
export const indexerEnvironment = z.object({
  ...serviceEnvironment,
  ENRICHED_LOGS_TOPIC: topicName('enriched-logs'),
  /** Partitions the source topic is created with when it does not exist yet (existing topics are left alone). */
  ENRICHED_LOGS_PARTITIONS: integer(6, 1, 10_000),
  /** Default `${ENRICHED_LOGS_TOPIC}-dlq`. */
  DEAD_LETTER_TOPIC: z.string().regex(KAFKA_NAME, 'must be a valid Kafka topic name').optional(),
  DEAD_LETTER_PARTITIONS: integer(1, 1, 10_000),
  /** Longest dead-letter value in bytes; a longer one is cut (headers iocflow.dlq.truncated, iocflow.dlq.sha256). Keep below the topic's max.message.bytes. */
  DEAD_LETTER_MAX_BYTES: integer(921_600, 1024, 100 * 1_048_576),
  INDEXER_GROUP_ID: z.string().regex(KAFKA_NAME).default('iocflow-indexer'),
  /** Deepest nesting of JSON objects and arrays indexed; a deeper event is dead-lettered (`too_deep`). Elasticsearch refuses more than 1,000 itself. */
  INDEXER_MAX_DEPTH: integer(DEFAULT_MAX_JSON_DEPTH, 1, 10_000),

  ...elasticsearchEnvironment,
  /**
   * `daily`: indices `<ELASTICSEARCH_INDEX>-YYYY.MM.DD` (day of `@timestamp`), `index` actions.
   * `data-stream`: the data stream `ELASTICSEARCH_INDEX`, `create` actions; needs a cluster with
   * the data-streams module (checked at start) and events with `@timestamp` (others are
   * dead-lettered).
   */
  ELASTICSEARCH_INDEX_MODE: z.enum(['daily', 'data-stream']).default('daily'),
  /**
   * Daily-index prefix (default `iocflow-logs`) or data stream name (default
   * `logs-iocflow-default`, Elastic's `<type>-<dataset>-<namespace>` scheme); validated against
   * the rules of the mode.
   */
  ELASTICSEARCH_INDEX: z.string().optional(),
  /** Dotted path of an event id field used as `_id`; empty = `<topic>-<partition>-<offset>`. */
  ELASTICSEARCH_ID_FIELD: z.string().optional(),
  ELASTICSEARCH_SHARDS: integer(1, 1, 1024),
  ELASTICSEARCH_REPLICAS: integer(1, 0, 32),

  INDEXER_BULK_MAX_DOCS: integer(1000, 1, 100_000),
  INDEXER_BULK_MAX_BYTES: integer(5 * 1_048_576, 1024, 100 * 1_048_576),
  INDEXER_BULK_LINGER: duration('50ms'),
  INDEXER_BULK_CONCURRENCY: integer(4, 1, 256),
  INDEXER_PARTITIONS_CONCURRENTLY: integer(4, 1, 1024),
  INDEXER_MAX_BYTES_PER_PARTITION: integer(1_048_576, 1024, 64 * 1_048_576),
  /**
   * When the Kafka consumer commits (KafkaBatchConsumer commitMode): `after-handler` fetches again
   * only once Elasticsearch acknowledged the last fetch; `on-acknowledge` fetches and prepares the
   * next batches while earlier ones are being indexed, committing in offset order as they are
   * acknowledged (default: measured faster, docs/benchmarks.md "Indexer").
   */
  INDEXER_COMMIT_MODE: z.enum(['after-handler', 'on-acknowledge']).default('on-acknowledge'),
  /** on-acknowledge: unacknowledged Kafka batches per consumer before fetching waits. */
  INDEXER_MAX_IN_FLIGHT_BATCHES: integer(8, 1, 1024),
  INDEXER_RETRY_INITIAL: duration('200ms'),
  INDEXER_RETRY_MAX: duration('30s'),
  INDEXER_HOLD_MAX: duration('25s'),
  INDEXER_SHUTDOWN_TIMEOUT: duration('20s'),
})
  // the name's rules depend on the mode; checked even when other variables are bad (`when`), so
  // one ConfigError still lists every problem
  .refine((env) => indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[env.ELASTICSEARCH_INDEX_MODE]) === undefined, {
    path: ['ELASTICSEARCH_INDEX'],
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'ELASTICSEARCH_INDEX' && issue.path?.[0] !== 'ELASTICSEARCH_INDEX_MODE'),
    error: (issue) => {
      const env = issue.input as { ELASTICSEARCH_INDEX_MODE: IndexMode; ELASTICSEARCH_INDEX?: string };
      return indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[env.ELASTICSEARCH_INDEX_MODE]);
    },
  });

export type IndexerEnvironment = z.output<typeof indexerEnvironment>;

export interface IndexerConfig extends Omit<IndexerEnvironment, 'ELASTICSEARCH_INDEX'> {
  /** The prefix or data stream name, the mode's default applied. */
  readonly ELASTICSEARCH_INDEX: string;
  /** Where documents go, from ELASTICSEARCH_INDEX_MODE and ELASTICSEARCH_INDEX. */
  readonly indexTarget: IndexTarget;
  readonly deadLetterTopic: string;
}

export function loadIndexerConfig(env: Environment = process.env): IndexerConfig {
  const parsed = loadConfig(indexerEnvironment, env);
  const name = parsed.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[parsed.ELASTICSEARCH_INDEX_MODE];
  const indexTarget = indexTargetOf(parsed.ELASTICSEARCH_INDEX_MODE, name);
  return { ...parsed, ELASTICSEARCH_INDEX: name, indexTarget, deadLetterTopic: parsed.DEAD_LETTER_TOPIC ?? `${parsed.ENRICHED_LOGS_TOPIC}-dlq` };
}

