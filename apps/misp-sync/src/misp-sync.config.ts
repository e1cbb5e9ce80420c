import { boolean, duration, hostPortList, httpUrl, integer, loadConfig, serviceEnvironment, topicName, type Environment } from '@iocflow/nest';
import { isSupportedMispType } from '@iocflow/core';
import { z } from 'zod';
import { redactFeedLocation } from './sync/feed/redact-feed-location';
import { DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_STORE_VALUE_BYTES } from './sync/indicator-limits';

/**
 * misp-sync's environment, validated once at boot (one error lists every bad variable; values are
 * never echoed, and MISP_API_KEY is in the shared SECRET_VARIABLES list). Defaults live here.
 * At least one source is required: a MISP server (MISP_URL + MISP_API_KEY) or a feed (FEED_URL).
 */
export const mispSyncEnvironment = z
  .object({
    ...serviceEnvironment,
    MEMCACHED_SERVERS: hostPortList('127.0.0.1:11211'),
    /** Per-command reply budget; writes pipeline thousands of sets, so longer than a reader's. */
    MEMCACHED_TIMEOUT: duration('5s'),
    /** Largest memcached reply accepted (stats, the sentinel); a larger one fails the run, which is retried. */
    MEMCACHED_MAX_REPLY_BYTES: integer(16 * 1_048_576, 1024, 1024 * 1_048_576),
    IOC_TOPIC: topicName('misp-iocs'),
    IOC_TOPIC_PARTITIONS: integer(1, 1, 1000),
    /** Largest indicator-topic record; more contributions are left out of it (attributesOmitted). Keep below the topic's max.message.bytes. */
    IOC_MAX_RECORD_BYTES: integer(DEFAULT_MAX_RECORD_BYTES, 512 * 1024, 100 * 1_048_576),
    /** Largest memcached entry written (key + value); a larger one is not written. Keep within memcached's item size (-I, 1 MiB by default). */
    MEMCACHED_MAX_VALUE_BYTES: integer(DEFAULT_MAX_STORE_VALUE_BYTES, 1024, 1024 * 1_048_576),
    /** Default `<IOC_TOPIC>-sync-state`. */
    SYNC_STATE_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
    MISP_URL: httpUrl().optional(),
    MISP_API_KEY: z.string().min(1).optional(),
    MISP_CA_FILE: z.string().min(1).optional(),
    MISP_TLS_REJECT_UNAUTHORIZED: boolean(true),
    MISP_TIMEOUT: duration('60s'),
    MISP_PAGE_SIZE: integer(5000, 1, 100_000),
    MISP_RETRIES: integer(5, 0, 100),
    MISP_RETRY_BASE: duration('1s'),
    MISP_RETRY_MAX: duration('60s'),
    MISP_INITIAL_LOOKBACK: duration('365d'),
    MISP_FULL_SYNC_INTERVAL: duration('6h'),
    MISP_POLL_INTERVAL: duration('60s'),
    MISP_CLOCK_SKEW_MARGIN: duration('120s'),
    MISP_ENFORCE_WARNINGLIST: boolean(false),
    /** Ask MISP for `decay_score` (enabled decaying models); carried as the record's decayScore. */
    MISP_INCLUDE_DECAY_SCORE: boolean(false),
    MISP_FEED_TAG_PATTERN: z.string().min(1).default('Feed-*'),
    MISP_DEFAULT_FEED: z.string().min(1).default('misp'),
    MISP_SEED_COMPAT_KEYS: boolean(false),
    /** MISP's Kafka plugin topic (`misp_attribute`); unset = no live notifications. */
    MISP_NOTIFICATIONS_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
    /** Brokers MISP publishes to, when not KAFKA_BROKERS. */
    MISP_NOTIFICATIONS_BROKERS: z.string().optional(),
    MISP_NOTIFICATIONS_GROUP: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).default('misp-sync-notifications'),
    /**
     * A MISP-format feed (http(s) URL, file:// URL or path of its directory or manifest.json), or a
     * CSV/freetext file by URL or path. May carry basic-auth credentials; never logged.
     */
    FEED_URL: z.string().min(1).optional(),
    FEED_FORMAT: z.enum(['misp', 'csv', 'freetext']).default('misp'),
    FEED_NAME: z.string().min(1).optional(),
    /** CSV: 0-based column of the value; the MISP type of every value for csv/freetext ('auto' guesses). */
    FEED_CSV_COLUMN: integer(0, 0, 1000),
    FEED_VALUE_TYPE: z.string().min(1).default('auto'),
    FEED_POLL_INTERVAL: duration('1h'),
    /** Every N-th poll reads the whole feed and removes what it no longer holds; others read changed events only. */
    FEED_FULL_READ_EVERY: integer(24, 1, 100_000),
    FEED_TIMEOUT: duration('60s'),
    /** MISP feeds: event files read at the same time. */
    FEED_CONCURRENCY: integer(4, 1, 64),
    FEED_CA_FILE: z.string().min(1).optional(),
    FEED_TLS_REJECT_UNAUTHORIZED: boolean(true),
    SYNC_PROGRESS_INTERVAL: duration('10s'),
    /**
     * While a run applies pages, the sync sentinel is rewritten at most this often with the run's
     * progress (the heartbeat), so a long full sync never looks stale. Keep it well below the
     * enricher's ENRICHER_MAX_STALENESS.
     */
    SYNC_HEARTBEAT_INTERVAL: duration('30s'),
  })
  .superRefine((env, context) => {
    if (env.MISP_URL !== undefined && env.MISP_API_KEY === undefined) context.addIssue({ code: 'custom', path: ['MISP_API_KEY'], message: 'is required with MISP_URL' });
    if (env.MISP_URL === undefined && env.FEED_URL === undefined) context.addIssue({ code: 'custom', path: ['MISP_URL'], message: 'set MISP_URL (with MISP_API_KEY) or FEED_URL' });
    if (env.FEED_URL !== undefined && env.FEED_FORMAT !== 'misp' && env.FEED_NAME === undefined) context.addIssue({ code: 'custom', path: ['FEED_NAME'], message: 'is required for csv and freetext feeds' });
    if (env.FEED_VALUE_TYPE !== 'auto' && !isSupportedMispType(env.FEED_VALUE_TYPE)) context.addIssue({ code: 'custom', path: ['FEED_VALUE_TYPE'], message: 'must be auto or a supported MISP type (domain, ip-dst, url, md5, …)' });
    if (env.MISP_NOTIFICATIONS_TOPIC !== undefined && env.MISP_URL === undefined) context.addIssue({ code: 'custom', path: ['MISP_NOTIFICATIONS_TOPIC'], message: 'needs MISP_URL (notifications are refreshed from MISP)' });
  });

export type MispSyncConfig = z.output<typeof mispSyncEnvironment>;

export function loadMispSyncConfig(env: Environment = process.env): MispSyncConfig {
  return loadConfig(mispSyncEnvironment, env);
}

/** The contribution source of the configured feed: `feed:<FEED_NAME>`, else the location without credentials. */
export function feedSourceName(config: MispSyncConfig): string | undefined {
  if (config.FEED_URL === undefined) return undefined;
  return `feed:${config.FEED_NAME ?? redactFeedLocation(config.FEED_URL)}`;
}

export function syncStateTopic(config: MispSyncConfig): string {
  return config.SYNC_STATE_TOPIC ?? `${config.IOC_TOPIC}-sync-state`;
}

