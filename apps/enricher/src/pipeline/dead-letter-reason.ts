/**
 * Why an input record went to the dead-letter topic instead of `enriched-logs`. A closed set:
 * it is a header on every dead letter and the `reason` label of the dead-letter counter.
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

/** A record the pipeline refuses, with a human-readable detail (never the record's content). */
export interface Rejection {
  readonly reason: DeadLetterReason;
  readonly message: string;
}
