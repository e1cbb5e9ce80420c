import { readFileSync } from 'node:fs';
import { boolean, duration, hostPortList, httpUrl, integer, loadConfig, serviceEnvironment, topicName, type Environment } from '@iocflow/nest';
import { z } from 'zod';
import { DEFAULT_LOGS_TARGET, DEFAULT_MAX_JSON_DEPTH, indexTargetOf, indexTargetProblem, type IndexMode, type IndexTarget } from '@iocflow/core';
import { DEFAULT_LOOKUP_RULES, parseLookupRules, type LookupRule } from './pipeline/lookup-rules';

/**
 * The enricher's environment, validated once at boot (one error lists every bad variable).
 * Defaults live here; docs/enricher.md lists every variable.
 */
export const enricherEnvironment = z.object({
  ...serviceEnvironment,
  MEMCACHED_SERVERS: hostPortList('127.0.0.1:11211'),
  /** Largest memcached reply accepted (one multi-get's values); a larger one holds the batch (STORE_REFUSED). */
  MEMCACHED_MAX_REPLY_BYTES: integer(16 * 1_048_576, 1024, 1024 * 1_048_576),
  RAW_LOGS_TOPIC: topicName('raw-logs'),
  ENRICHED_LOGS_TOPIC: topicName('enriched-logs'),
  /** Default `${RAW_LOGS_TOPIC}-dlq`. */
  DEAD_LETTER_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
  /** Longest dead-letter value in bytes; a longer one is cut (headers iocflow.dlq.truncated, iocflow.dlq.sha256). Keep below the topic's max.message.bytes. */
  DEAD_LETTER_MAX_BYTES: integer(921_600, 1024, 100 * 1_048_576),
  IOC_TOPIC: topicName('misp-iocs'),
  /**
   * The hits stream: one hit record per match (core's ThreatHit), produced in the same send as
   * the enriched event. Empty = off (no hit records, the topic is not created).
   */
  THREAT_HITS_TOPIC: z
    .string()
    .default('threat-hits')
    .refine((raw) => raw === '' || (/^[A-Za-z0-9._-]{1,249}$/.test(raw) && raw !== '.' && raw !== '..'), 'must be a valid Kafka topic name, or empty (off)'),
  /** How long the hits topic keeps a hit when the enricher creates it (retention.ms; a normal, not compacted, topic). */
  THREAT_HITS_RETENTION: duration('7d'),
  /**
   * Where the indexer puts documents, set as for the indexer: a hit names the document
   * (`iocflow.document.index` and `.id`) by the indexer's own rules.
   */
  ELASTICSEARCH_INDEX_MODE: z.enum(['daily', 'data-stream']).default('daily'),
  /** Daily-index prefix (default `iocflow-logs`) or data stream name (default `logs-iocflow-default`), as the indexer's. */
  ELASTICSEARCH_INDEX: z.string().optional(),
  /** The indexer's id field (dotted path), when it names documents by one; empty = `<topic>-<partition>-<offset>`. */
  ELASTICSEARCH_ID_FIELD: z.string().optional(),
  ENRICHER_GROUP_ID: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).default('iocflow-enricher'),
  ENRICHER_LOOKUP_MODE: z.enum(['memcached', 'table']).default('memcached'),
  /** `hold` (default): keep the batch and retry; `pass-unknown`: pass events through as `misp_src: unknown`. */
  ENRICHER_ON_STORE_UNAVAILABLE: z.enum(['hold', 'pass-unknown']).default('hold'),
  /**
   * Slack beyond each misp-sync source's own schedule: a source is stale once its last success is
   * older than its poll interval (carried in the sync sentinel) plus this, unless a run that
   * started in time made progress within it.
   */
  ENRICHER_MAX_STALENESS: duration('15m'),
  ENRICHER_PARENT_DOMAINS: boolean(true),
  /** JSON rules, or `@/path/rules.json`; see lookup-rules.ts. Empty = the ECS defaults. */
  ENRICHER_LOOKUP_RULES: z.string().optional(),
  ENRICHER_MAX_EVENT_BYTES: integer(1_048_576, 64, 100 * 1_048_576),
  /** Deepest nesting of JSON objects and arrays in an event; deeper = dead letter `too_deep`. */
  ENRICHER_MAX_DEPTH: integer(DEFAULT_MAX_JSON_DEPTH, 1, 10_000),
  /** Observables looked up per event; the rest are counted (`misp_partial.observables_unchecked`), and without a hit `misp_src` is `unknown`. */
  ENRICHER_MAX_OBSERVABLES_PER_EVENT: integer(256, 1, 100_000),
  /** `threat.enrichments` entries per event; more hits are counted in `misp_partial.enrichments_omitted` (`misp_src` keeps every feed). */
  ENRICHER_MAX_ENRICHMENTS: integer(32, 0, 10_000),
  /**
   * Largest enriched record (key + value + headers + framing); 0 (default) = the enriched topic's
   * max.message.bytes, read at start (DEFAULT_MAX_RECORD_BYTES when it cannot be read). A set value
   * is lowered to the topic's limit too. A larger record loses enrichment entries, or is
   * dead-lettered (`output_too_large`).
   */
  ENRICHER_MAX_RECORD_BYTES: integer(0, 0, 100 * 1_048_576).refine((value) => value === 0 || value >= 4096, 'must be 0 (the topic limit) or at least 4096'),
  ENRICHER_CACHE_TTL: duration('2s'),
  ENRICHER_CACHE_MAX_ENTRIES: integer(100_000, 0, 10_000_000),
  ENRICHER_RETRY_INITIAL: duration('200ms'),
  ENRICHER_RETRY_MAX: duration('10s'),
  /** Longest one batch is held inside the handler before it is failed back to the consumer (kept below the rebalance timeout). */
  ENRICHER_HOLD_MAX: duration('25s'),
  ENRICHER_PARTITIONS_CONCURRENTLY: integer(4, 1, 1024),
  ENRICHER_MAX_BYTES_PER_PARTITION: integer(1_048_576, 1024, 64 * 1_048_576),
  /**
   * When the Kafka consumer commits (KafkaBatchConsumer commitMode): `after-handler` fetches again
   * only once the last fetch's output was acknowledged; `on-acknowledge` fetches and enriches the
   * next batches while earlier ones are being produced (sends stay in input order per partition),
   * committing in offset order as they are acknowledged.
   */
  ENRICHER_COMMIT_MODE: z.enum(['after-handler', 'on-acknowledge']).default('after-handler'),
  /** on-acknowledge: unacknowledged Kafka batches per consumer before fetching waits. */
  ENRICHER_MAX_IN_FLIGHT_BATCHES: integer(8, 1, 1024),
  /** Table mode (and memcached mode's IP ranges): re-read the whole indicator topic into a fresh table this often (0 = never); a safety net if the follower stalls. */
  ENRICHER_TABLE_RELOAD: duration('1h'),
  /**
   * Memcached mode: `follow` keeps the IP range indicators (CIDRs) in process, followed from
   * IOC_TOPIC, and matches addresses that missed their exact key against them; `off` does not
   * (said at start; such misses are counted in iocflow_enricher_ip_ranges_unchecked_total).
   */
  ENRICHER_IP_RANGES: z.enum(['follow', 'off']).default('follow'),
  /** How often readiness re-judges the store between batches (memcached mode: re-reads the sync sentinel) and the per-source metrics are updated. */
  ENRICHER_PROBE_INTERVAL: duration('5s'),
  /** Base URL of the MISP UI, for `threat.enrichments.indicator.reference` (table mode). */
  MISP_URL: httpUrl().optional(),
})
  // as the indexer checks it: the name's rules depend on the mode (one ConfigError still lists every problem)
  .refine((env) => indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[env.ELASTICSEARCH_INDEX_MODE]) === undefined, {
    path: ['ELASTICSEARCH_INDEX'],
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'ELASTICSEARCH_INDEX' && issue.path?.[0] !== 'ELASTICSEARCH_INDEX_MODE'),
    error: (issue) => {
      const env = issue.input as { ELASTICSEARCH_INDEX_MODE: IndexMode; ELASTICSEARCH_INDEX?: string };
      return indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[env.ELASTICSEARCH_INDEX_MODE]);
    },
  });

export type EnricherEnvironment = z.output<typeof enricherEnvironment>;

export interface EnricherConfig extends EnricherEnvironment {
  readonly deadLetterTopic: string;
  readonly lookupRules: readonly LookupRule[];
  /** Where the indexer puts documents (ELASTICSEARCH_INDEX_MODE, ELASTICSEARCH_INDEX), named in hit records. */
  readonly indexTarget: IndexTarget;
}



/** Load and validate the environment; the rules document is read (from a file when given as `@path`) and parsed here too. */
export function loadEnricherConfig(env: Environment = process.env): EnricherConfig {
  const parsed = loadConfig(enricherEnvironment, env);
  const source = parsed.ENRICHER_LOOKUP_RULES?.trim();
  let lookupRules: readonly LookupRule[] = DEFAULT_LOOKUP_RULES;
  if (source !== undefined && source.length > 0) {
    lookupRules = parseLookupRules(source.startsWith('@') ? readFileSync(source.slice(1), 'utf8') : source);
  }
  const name = parsed.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[parsed.ELASTICSEARCH_INDEX_MODE];
  const indexTarget = indexTargetOf(parsed.ELASTICSEARCH_INDEX_MODE, name);
  return { ...parsed, deadLetterTopic: parsed.DEAD_LETTER_TOPIC ?? `${parsed.RAW_LOGS_TOPIC}-dlq`, lookupRules, indexTarget };
}

