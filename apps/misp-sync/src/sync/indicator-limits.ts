/**
 * What one attribute and one indicator may weigh in misp-sync, so that no attribute's content
 * can produce a record the broker refuses or a memcached value memcached refuses (either failed
 * every run for good: the cursor and the sentinel stayed put). Values are in characters unless
 * named bytes; docs/reliability.md has the table of every limit.
 */

/** A contribution's `eventInfo` (MISP event info, also the enricher's description) is cut here, ending in `…`. */
export const MAX_EVENT_INFO_CHARS = 1024;

/** Tag names longer than MISP's own column (`tags.name` is varchar(255)) are ignored: no MISP holds one. */
export const MAX_TAG_CHARS = 255;

/** Tags kept per contribution (after the feeds were read from all of them), in name order. */
export const MAX_TAGS_PER_ATTRIBUTE = 64;

/** Feeds one attribute contributes, in name order; more feed tags on one attribute are dropped. */
export const MAX_FEEDS_PER_ATTRIBUTE = 64;

/**
 * Feeds one indicator (lookup key) names, in name order: bounds the memcached value (at most
 * 256 × 255 characters) and the topic record whatever the number of contributions.
 */
export const MAX_FEEDS_PER_INDICATOR = 256;

/**
 * Default bytes of one indicator-topic record (IOC_MAX_RECORD_BYTES): below the broker's default
 * max.message.bytes (1 MiB) with room for the key and the batch framing.
 */
export const DEFAULT_MAX_RECORD_BYTES = 900 * 1024;

/**
 * Default bytes of one memcached entry misp-sync writes (MEMCACHED_MAX_VALUE_BYTES): key and
 * value within memcached's default item size (1 MiB, `-I`), less its item header.
 */
export const DEFAULT_MAX_STORE_VALUE_BYTES = 1_048_576 - 1024;

/** A limit that changed what an attribute or indicator carries: the `limit` label of iocflow_misp_sync_limits_applied_total. */
export type IndicatorLimit = 'event_info' | 'tag_length' | 'tags' | 'feeds' | 'record_attributes' | 'store_value';
