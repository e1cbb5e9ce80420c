/**
 * Why an input record went to the dead-letter topic instead of `enriched-logs`. A closed set:
 * it is a header on every dead letter and the `reason` label of the dead-letter counter.
 * None of them is retriable: the same bytes would fail the same way.
 */
export const DEAD_LETTER_REASONS = ['empty_value', 'too_large', 'not_utf8', 'not_json', 'not_object', 'field_type'] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** A record the pipeline refuses, with a human-readable detail (never the record's content). */
export interface Rejection {
  readonly reason: DeadLetterReason;
  readonly message: string;
}
