/**
 * The enricher's stages, in flow order (enricher.pipeline.ts): a closed set of stable names. Each
 * is the `stage` label of iocflow_enricher_dead_letters_total, the `iocflow.dlq.stage` header of a
 * dead letter and the `stage` field of the pipeline's warnings, so a dead letter, its count and
 * its log line all say where the event stopped.
 *
 *   parse    the raw bytes → one JSON object (size, depth, UTF-8, JSON, object)
 *   extract  the lookup rules' fields → observations (a field of the wrong type, or a `threat`
 *            that is no object, is refused here, before anything is looked up)
 *   lookup   the batch's queries against the store (never dead-letters: it holds or passes unknown)
 *   apply    misp_src + threat.enrichments (an output over ENRICHER_MAX_RECORD_BYTES, or a failure
 *            while enriching)
 *   produce  the acknowledged send (a record the broker refuses alone)
 *
 * Renaming one breaks dashboards and alerts: add, never rename.
 */
export const ENRICHER_STAGES = ['parse', 'extract', 'lookup', 'apply', 'produce'] as const;

export type EnricherStage = (typeof ENRICHER_STAGES)[number];
