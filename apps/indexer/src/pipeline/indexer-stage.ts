/**
 * The indexer's stages, in flow order (indexer.pipeline.ts, numbered there): a closed set of
 * stable names. A stage that gives a record up names itself in the `stage` label of
 * iocflow_indexer_dead_lettered_documents_total, the `iocflow.dlq.stage` header of the dead letter
 * and the `stage` field of the warning; the stages that retry name themselves in their warnings.
 *
 *   start        the data-stream check and the index template, before consuming
 *   consume      one partition's batch from enriched-logs
 *   prepare      record → bulk document; a record that is not indexable is dead-lettered here
 *   batch        documents grouped into `_bulk` chunks
 *   bulk         one `_bulk` request; a request refused as a whole, bisected down to one document,
 *                dead-letters that document here (`request_rejected`)
 *   classify     each item's verdict; an item Elasticsearch refuses for good is dead-lettered here
 *                (`rejected`)
 *   retry        retriable items sent again after a backoff
 *   dead_letter  the acknowledged send to the dead-letter topic (retried until Kafka acknowledges)
 *   commit       the batch settled, the consumer commits
 *
 * Renaming one breaks dashboards and alerts: add, never rename.
 */
export const INDEXER_STAGES = ['start', 'consume', 'prepare', 'batch', 'bulk', 'classify', 'retry', 'dead_letter', 'commit'] as const;

export type IndexerStage = (typeof INDEXER_STAGES)[number];

/** The stages that dead-letter a record (each with its one reason: unindexable, request_rejected, rejected). */
export type DeadLetterStage = Extract<IndexerStage, 'prepare' | 'bulk' | 'classify'>;
