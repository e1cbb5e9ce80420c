import type { EnricherStage } from './enricher-stage';

/**
 * Why an input record went to the dead-letter topic instead of `enriched-logs`. A closed set:
 * it is a header on every dead letter and the `reason` label of the dead-letter counter (beside
 * `stage`, enricher-stage.ts: `field_type` comes from extract, `enrich_failed` from any stage).
 * None of them is retriable: the same bytes would fail the same way.
 *
 *   empty_value … field_type   the input itself (parse, extract)
 *   too_deep          objects/arrays nested deeper than ENRICHER_MAX_DEPTH
 *   output_too_large  the enriched record exceeds ENRICHER_MAX_RECORD_BYTES even with every
 *                     enrichment entry left out (the input was already about that large)
 *   output_refused    the broker refused the enriched record alone (a topic limit lowered below
 *                     ENRICHER_MAX_RECORD_BYTES while running)
 *   enrich_failed     enriching this one event threw (a bug its content triggers): contained to
 *                     it instead of failing the batch and stopping the partition
 */
export const DEAD_LETTER_REASONS = ['empty_value', 'too_large', 'not_utf8', 'not_json', 'not_object', 'field_type', 'too_deep', 'output_too_large', 'output_refused', 'enrich_failed'] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** A record a stage function refuses, with a human-readable detail (never the record's content). */
export interface Rejection {
  readonly reason: DeadLetterReason;
  readonly message: string;
}

/**
 * A rejection and the stage that made it, as the pipeline dead-letters it: the stage goes to the
 * dead letter's `iocflow.dlq.stage` header, the counter's `stage` label and the log line. The
 * pipeline names the stage (the stage functions do not know where they run).
 */
export interface StagedRejection extends Rejection {
  readonly stage: EnricherStage;
}
