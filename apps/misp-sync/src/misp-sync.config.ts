import { boolean, duration, hostPortList, httpUrl, integer, loadConfig, serviceEnvironment, topicName, type Environment } from '@iocflow/nest';
import { isSupportedMispType } from '@iocflow/core';
import { z } from 'zod';
import { TLP_LEVELS } from './selection/tlp-rank';
import { redactFeedLocation } from './sync/feed/redact-feed-location';
import { APPLY_BATCH } from './sync/sync.pipeline';
import { DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_STORE_VALUE_BYTES } from './sync/indicator-limits';

/** A comma-separated list; empty entries dropped. */
function commaList(defaultValue = '') {
  return z
    .string()
    .default(defaultValue)
    .transform((raw) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    );
}

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
    // Selection (issue 15): what misp-sync takes from MISP (server-side where restSearch can, and
    // locally) and from feeds (locally, where their data carries it). Changes apply at the next
    // reconciliation; what no longer qualifies is removed like a deletion.
    /** Only attributes of published events. */
    MISP_PUBLISHED_ONLY: boolean(true),
    /** Tag globs (`Feed-*`): an attribute needs one of its or its event's tags to match one; empty = any. */
    MISP_TAGS_INCLUDE: commaList(),
    /** Tag globs: an attribute with a matching tag is not taken. */
    MISP_TAGS_EXCLUDE: commaList(),
    /** Creator organisations (ids or names); empty = all. Names are checked by MISP only. */
    MISP_ORGS: commaList(),
    /** The most restricted TLP taken (clear, green, amber, amber+strict, red); untagged attributes are taken. */
    MISP_MAX_TLP: z.enum(TLP_LEVELS).default('amber+strict'),
    /** MISP distribution levels taken: 0 organisation, 1 community, 2 connected, 3 all, 4 sharing group. */
    MISP_DISTRIBUTIONS: commaList('0,1,2,3,4').refine((levels) => levels.every((level) => /^[0-4]$/.test(level)), 'must be distribution levels 0-4, comma-separated'),
    /** Only attributes with to_ids set (the IDS flag). */
    MISP_TO_IDS_ONLY: boolean(true),
    /** Attributes unchanged for longer are dropped, whatever their kind (also caps the IOC_MAX_AGE_* ages); 0 = no limit. */
    MISP_MAX_ATTRIBUTE_AGE: duration('0'),
    /** Drop attributes every enabled decaying model has decayed (restSearch `excludeDecayed`, and locally from decay_score). */
    MISP_EXCLUDE_DECAYED: boolean(false),
    /** Drop attributes whose decay score is below this (0-100); needs MISP_INCLUDE_DECAY_SCORE or MISP_EXCLUDE_DECAYED. Unset = none. */
    MISP_DECAY_SCORE_THRESHOLD: z
      .string()
      .optional()
      .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : Number(raw)))
      .refine((value) => value === undefined || (Number.isFinite(value) && value >= 0 && value <= 100), 'must be a number in [0, 100]'),
    // Expiry: an indicator leaves the store this long after its last change in its source.
    /** false = indicators live until their source removes them (as before issue 15). */
    IOC_EXPIRY: boolean(true),
    IOC_MAX_AGE_IP: duration('30d'),
    IOC_MAX_AGE_DOMAIN: duration('90d'),
    /** url and uri. */
    IOC_MAX_AGE_URL: duration('90d'),
    IOC_MAX_AGE_EMAIL: duration('180d'),
    /** md5, sha1, sha256, sha512; 0 = never. */
    IOC_MAX_AGE_HASH: duration('0'),
    /** How often the held indicators are checked for expiry (after a source's run). */
    IOC_EXPIRY_CHECK_INTERVAL: duration('10m'),
    // False-positive control, for MISP and feed indicators alike.
    /** A folder of MISP warninglists (`<name>/list.json`: a misp-warninglists checkout, or its lists/); unset = the shipped set. */
    MISP_WARNINGLISTS_DIR: z.string().min(1).optional(),
    /** Which lists of that set (folder names, comma-separated), `all` or `none`. */
    MISP_WARNINGLISTS: commaList('all'),
    /** Allowlisted values: IPs or ranges, domains (with their subdomains), or exact values, comma-separated. */
    IOC_ALLOWLIST: commaList(),
    /** A file of allowlisted values, one per line, `#` comments. */
    IOC_ALLOWLIST_FILE: z.string().min(1).optional(),
    /** Shortest IPv4 range accepted as an indicator (IPv4-mapped IPv6 ranges count as IPv4). */
    IOC_MIN_IPV4_PREFIX: integer(8, 0, 32),
    /** Shortest IPv6 range accepted as an indicator. */
    IOC_MIN_IPV6_PREFIX: integer(32, 0, 128),
    SYNC_PROGRESS_INTERVAL: duration('10s'),
    /**
     * While a run applies pages, the sync sentinel is rewritten at most this often with the run's
     * progress (the heartbeat), so a long full sync never looks stale. Keep it well below the
     * enricher's ENRICHER_MAX_STALENESS.
     */
    SYNC_HEARTBEAT_INTERVAL: duration('30s'),
    /**
     * Attributes of a MISP or feed page normalised, staged, written and committed together; a
     * larger page is applied in consecutive slices of this many, in order. Less of a page is live
     * at each collection (docs/benchmarks.md); MISP is asked for no more pages.
     */
    SYNC_APPLY_BATCH: integer(APPLY_BATCH, 1, 100_000),
    // Sightings (issue 16): the enricher's hits become MISP sightings (docs/misp-sync.md, "Sightings").
    /** Read the hits topic and report sightings to MISP (needs MISP_URL). */
    MISP_SIGHTINGS_ENABLED: boolean(false),
    /** The hits topic the enricher writes (its THREAT_HITS_TOPIC). */
    THREAT_HITS_TOPIC: topicName('threat-hits'),
    /** The sighting's `source` in MISP. */
    MISP_SIGHTINGS_SOURCE: z.string().trim().min(1).max(255).default('iocflow'),
    /** One sighting per indicator per window of event time, however many hits (windows aligned on the epoch; the sighting is dated at the window's start). */
    MISP_SIGHTINGS_WINDOW: duration('1h').refine((ms) => ms >= 1000, 'must be at least 1s'),
    /** Most values per /sightings/add request (one window per request). */
    MISP_SIGHTINGS_BATCH_SIZE: integer(100, 1, 10_000),
    /** Most /sightings/add requests per second. */
    MISP_SIGHTINGS_RATE: integer(5, 1, 1000),
    /** Consumer group of the sightings (its own: the hits topic has other readers). */
    MISP_SIGHTINGS_GROUP: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).default('iocflow-misp-sync-sightings'),
    /** Compacted topic of the sightings sent (deduplication across restarts); default `<THREAT_HITS_TOPIC>-sightings`. */
    MISP_SIGHTINGS_STATE_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
    /** How long sent sightings are remembered (keep ≥ the hits topic's retention: older hits cannot be replayed). */
    MISP_SIGHTINGS_STATE_RETENTION: duration('7d'),
    /** Longest one batch of hits is held while MISP is down before it is given back to the consumer, uncommitted (below the rebalance timeout). */
    MISP_SIGHTINGS_HOLD_MAX: duration('25s'),
  })
  .superRefine((env, context) => {
    if (env.MISP_URL !== undefined && env.MISP_API_KEY === undefined) context.addIssue({ code: 'custom', path: ['MISP_API_KEY'], message: 'is required with MISP_URL' });
    if (env.MISP_URL === undefined && env.FEED_URL === undefined) context.addIssue({ code: 'custom', path: ['MISP_URL'], message: 'set MISP_URL (with MISP_API_KEY) or FEED_URL' });
    if (env.FEED_URL !== undefined && env.FEED_FORMAT !== 'misp' && env.FEED_NAME === undefined) context.addIssue({ code: 'custom', path: ['FEED_NAME'], message: 'is required for csv and freetext feeds' });
    if (env.FEED_VALUE_TYPE !== 'auto' && !isSupportedMispType(env.FEED_VALUE_TYPE)) context.addIssue({ code: 'custom', path: ['FEED_VALUE_TYPE'], message: 'must be auto or a supported MISP type (domain, ip-dst, url, md5, …)' });
    if (env.MISP_SIGHTINGS_ENABLED && env.MISP_URL === undefined) context.addIssue({ code: 'custom', path: ['MISP_SIGHTINGS_ENABLED'], message: 'needs MISP_URL (sightings go to the MISP server)' });
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

export function sightingsStateTopic(config: MispSyncConfig): string {
  return config.MISP_SIGHTINGS_STATE_TOPIC ?? `${config.THREAT_HITS_TOPIC}-sightings`;
}

export function syncStateTopic(config: MispSyncConfig): string {
  return config.SYNC_STATE_TOPIC ?? `${config.IOC_TOPIC}-sync-state`;
}

