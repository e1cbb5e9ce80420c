/**
 * misp-sync's stages, in flow order (sync.pipeline.ts): a closed set of stable names. A stage
 * that leaves an attribute out names itself in the `stage` label of
 * iocflow_misp_sync_attributes_skipped_total and the `stage` field of its warning; the other
 * stages name themselves in their warnings. (The selection's counters, attributes_deselected and
 * indicators_refused, count the `filter` stage only.)
 *
 *   fetch      pages from MISP or a feed's files; a reply's unusable attributes, a feed's lines
 *              that are no indicator and its unreadable event files are skipped here
 *   normalise  attribute → the lookup keys it contributes to (future-dated, no observable, or
 *              converting it threw: skipped here)
 *   filter     selection, false-positive control, expiry (what it leaves out is deselected or
 *              refused; a failure in it skips the attribute here)
 *   diff       the page staged over the state → memcached operations and topic records
 *   store      memcached sets and deletes
 *   publish    records and tombstones to IOC_TOPIC
 *   commit     the staged page into the in-memory state
 *   heartbeat  the sentinel during a long run
 *   reconcile  tracked attributes a complete read no longer returned, removed
 *   expire     contributions past their kind's maximum age, removed
 *   advance    the cursor, memcached repair, the sentinel with the new last success
 *
 * Renaming one breaks dashboards and alerts: add, never rename.
 */
export const SYNC_STAGES = ['fetch', 'normalise', 'filter', 'diff', 'store', 'publish', 'commit', 'heartbeat', 'reconcile', 'expire', 'advance'] as const;

export type SyncStage = (typeof SYNC_STAGES)[number];

/** The stages that skip an attribute (iocflow_misp_sync_attributes_skipped_total's `stage`). */
export type SkipStage = Extract<SyncStage, 'fetch' | 'normalise' | 'filter'>;
