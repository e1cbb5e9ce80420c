import { readFileSync } from 'node:fs';
import { DEFAULT_LOGS_TARGET, DEFAULT_LOOKUP_RULES, indexTargetOf, indexTargetProblem, parseLookupRules, type IndexMode, type IndexTarget, type LookupRule } from '@iocflow/core';
import { boolean, duration, elasticsearchEnvironment, integer, loadConfig, serviceEnvironment, topicName, type Environment } from '@iocflow/nest';
import { z } from 'zod';

const KAFKA_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** The alerts' target when ALERTS_INDEX is unset, per ELASTICSEARCH_INDEX_MODE (the logs searched default as the indexer's, DEFAULT_LOGS_TARGET). */
const DEFAULT_ALERTS: Readonly<Record<IndexMode, string>> = { daily: 'iocflow-alerts', 'data-stream': 'iocflow-alerts-default' };

/**
 * The hunter's environment, validated once at boot (one error lists every bad variable; secret
 * values are never echoed). Defaults live here; docs/hunter.md lists every variable and what
 * happens beyond each limit. The Elasticsearch, lookup-rule and index variables have the names and
 * meaning they have for the indexer and the enricher, so one ConfigMap can serve all three.
 */
export const hunterEnvironment = z.object({
  ...serviceEnvironment,
  /** The compacted indicator topic misp-sync publishes (key = lookup key, tombstone = removal). */
  IOC_TOPIC: topicName('misp-iocs'),
  /** Where hits go (shared with the enricher's live hits). */
  THREAT_HITS_TOPIC: topicName('threat-hits'),
  /** Partitions the hits topic is created with when missing (existing topics are left alone). */
  THREAT_HITS_PARTITIONS: integer(6, 1, 10_000),
  HUNTER_GROUP_ID: z.string().regex(KAFKA_NAME).default('iocflow-hunter'),
  /**
   * Where a group with no committed offset starts on the indicator topic: `latest` (default) hunts
   * the indicators that change from the first start on; `earliest` hunts every indicator the topic
   * holds once (a first deployment's back-fill, bounded by the query budget like the rest).
   */
  RETRO_HUNT_START: z.enum(['earliest', 'latest']).default('latest'),
  /** How far back the logs are searched (by `@timestamp`). */
  RETRO_HUNT_WINDOW: duration('30d'),
  /** Searches started per second at most; indicators beyond wait their turn (the topic is not read further meanwhile). */
  RETRO_HUNT_QUERIES_PER_SECOND: integer(5, 1, 10_000),
  /** Documents returned per indicator at most, the most recent first; beyond, the search counts as truncated (metric, log). At most Elasticsearch's index.max_result_window. */
  RETRO_HUNT_MAX_HITS_PER_INDICATOR: integer(500, 1, 10_000),
  /**
   * Longest one search may take: Elasticsearch's `timeout` (shards answer with what they found;
   * those hits are used, the search counts as deadline_exceeded) and, one second later, the client
   * aborts (the indicator is not hunted, counted deadline_exceeded, logged; never retried).
   */
  RETRO_HUNT_SEARCH_DEADLINE: duration('10s'),
  /** Leave out documents the enricher already matched on the indicator's value (they are in the live hits). */
  RETRO_HUNT_SKIP_LIVE_MATCHED: boolean(true),
  /** Most bytes of the indicator topic fetched per partition at once: bounds the indicators one batch queues. */
  RETRO_HUNT_FETCH_MAX_BYTES: integer(65_536, 1024, 16 * 1_048_576),
  /** The enricher's lookup rules (same syntax, same variable): the fields searched. Empty = the ECS defaults. */
  ENRICHER_LOOKUP_RULES: z.string().optional(),
  /** The enricher's parent-domain setting: domain indicators are also hunted as parents of subdomains. */
  ENRICHER_PARENT_DOMAINS: boolean(true),

  ...elasticsearchEnvironment,
  /** As the indexer's: `daily` indices or one `data-stream`, for the logs searched and the alerts written. */
  ELASTICSEARCH_INDEX_MODE: z.enum(['daily', 'data-stream']).default('daily'),
  /** The indexer's prefix or data stream (defaults as the indexer's): the logs searched. */
  ELASTICSEARCH_INDEX: z.string().optional(),
  /** Alerts: daily-index prefix (default `iocflow-alerts`) or data stream (default `iocflow-alerts-default`). */
  ALERTS_INDEX: z.string().optional(),
  ELASTICSEARCH_SHARDS: integer(1, 1, 1024),
  ELASTICSEARCH_REPLICAS: integer(1, 0, 32),

  HUNTER_RETRY_INITIAL: duration('200ms'),
  HUNTER_RETRY_MAX: duration('30s'),
  /** How long stop() waits for the batch being hunted before leaving it uncommitted (hunted again after the restart). */
  HUNTER_SHUTDOWN_TIMEOUT: duration('20s'),
})
  .refine((env) => indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[env.ELASTICSEARCH_INDEX_MODE]) === undefined, {
    path: ['ELASTICSEARCH_INDEX'],
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'ELASTICSEARCH_INDEX' && issue.path?.[0] !== 'ELASTICSEARCH_INDEX_MODE'),
    error: (issue) => {
      const env = issue.input as { ELASTICSEARCH_INDEX_MODE: IndexMode; ELASTICSEARCH_INDEX?: string };
      return indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[env.ELASTICSEARCH_INDEX_MODE]);
    },
  })
  .refine((env) => indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ALERTS_INDEX ?? DEFAULT_ALERTS[env.ELASTICSEARCH_INDEX_MODE]) === undefined, {
    path: ['ALERTS_INDEX'],
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'ALERTS_INDEX' && issue.path?.[0] !== 'ELASTICSEARCH_INDEX_MODE'),
    error: (issue) => {
      const env = issue.input as { ELASTICSEARCH_INDEX_MODE: IndexMode; ALERTS_INDEX?: string };
      return indexTargetProblem(env.ELASTICSEARCH_INDEX_MODE, env.ALERTS_INDEX ?? DEFAULT_ALERTS[env.ELASTICSEARCH_INDEX_MODE]);
    },
  });

export type HunterEnvironment = z.output<typeof hunterEnvironment>;

export interface HunterConfig extends HunterEnvironment {
  /** Where the logs are searched: `<prefix>-*` (daily) or the data stream. */
  readonly logsPattern: string;
  /** Where alerts are written. */
  readonly alertsTarget: IndexTarget;
  readonly lookupRules: readonly LookupRule[];
}

export function loadHunterConfig(env: Environment = process.env): HunterConfig {
  const parsed = loadConfig(hunterEnvironment, env);
  const mode = parsed.ELASTICSEARCH_INDEX_MODE;
  const logs = parsed.ELASTICSEARCH_INDEX ?? DEFAULT_LOGS_TARGET[mode];
  const alerts = parsed.ALERTS_INDEX ?? DEFAULT_ALERTS[mode];
  const source = parsed.ENRICHER_LOOKUP_RULES?.trim();
  const lookupRules = source === undefined || source === '' ? DEFAULT_LOOKUP_RULES : parseLookupRules(source.startsWith('@') ? readFileSync(source.slice(1), 'utf8') : source);
  return {
    ...parsed,
    logsPattern: mode === 'daily' ? `${logs}-*` : logs,
    alertsTarget: indexTargetOf(mode, alerts),
    lookupRules,
  };
}

