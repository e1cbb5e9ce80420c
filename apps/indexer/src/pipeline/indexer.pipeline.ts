import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_MAX_JSON_DEPTH,
  backoffDelay,
  bulkEntryBytes,
  classifyBulkItem,
  encodeBulk,
  prepareBulkDocument,
  readOrigin,
  targetIndexTemplate,
  type BulkDocument,
  type BulkItemVerdict,
  type IndexTarget,
  type PrepareOptions,
  type PreparedRecord,
  type RecordCoordinates,
} from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaConsumedMessage } from '@iocflow/io';
import { BatchSettlement } from './batch-settlement';
import { BulkBatcher } from './bulk-batcher';
import { DeadLetterSink, type DeadLetter } from './dead-letter.sink';
import { IndexerHoldTimeoutError } from './indexer-hold-timeout.error';
import type { IndexerStage } from './indexer-stage';
import { IndexerTargetError } from './indexer-target.error';
import type { IndexerMetrics, RetryCause } from './indexer.metrics';
import type { BulkIndexer, DeadLetterProducer, IndexerConsumer, PipelineLogger } from './indexer-ports';

export interface IndexerPipelineOptions {
  /**
   * Where documents go (`ELASTICSEARCH_INDEX_MODE`, `ELASTICSEARCH_INDEX`, validated at boot):
   * daily indices of a prefix, or one data stream. Chosen once; the hot path only hands it to
   * `prepareBulkDocument`, which picks the index and the bulk action (`index` / `create`).
   */
  readonly target: IndexTarget;
  /** Dotted path of an event id field for `_id`; absent = topic-partition-offset. */
  readonly idField?: string;
  /** Deepest nesting of objects and arrays indexed (INDEXER_MAX_DEPTH); deeper events are dead-lettered as `too_deep`. */
  readonly maxDepth?: number;
  readonly deadLetterTopic: string;
  /** Longest dead-letter value (DEAD_LETTER_MAX_BYTES); a longer one is cut, with headers saying so. */
  readonly deadLetterMaxBytes?: number;
  readonly bulkMaxDocuments: number;
  readonly bulkMaxBytes: number;
  readonly bulkLingerMs: number;
  readonly bulkConcurrency: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** How long stop() waits for in-flight work before abandoning it uncommitted. */
  readonly shutdownTimeoutMs: number;
  /**
   * Longest one Kafka batch is held waiting for Elasticsearch before it is handed back
   * uncommitted (the consumer fetches it again later). Kept below the group's rebalance timeout so
   * a member stuck on an outage does not stall a rebalance of the whole group.
   */
  readonly holdMaxMs: number;
  readonly numberOfShards?: number;
  readonly numberOfReplicas?: number;
}

export interface IndexerPipelineDependencies {
  readonly consumer: IndexerConsumer;
  readonly deadLetters: DeadLetterProducer;
  readonly elasticsearch: BulkIndexer;
  readonly metrics: IndexerMetrics;
  readonly logger: PipelineLogger;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The Kafka batch documents came from: their coordinates and the settlement they count down. */
interface SourceBatch {
  readonly topic: string;
  readonly partition: number;
  readonly settlement: BatchSettlement;
}

/**
 * One document on its way to Elasticsearch (itself the bulk document `encodeBulk` writes), its
 * record and the batch it must settle. One object per document: on-acknowledge, thousands wait
 * for Elasticsearch at once and every one that survives a scavenge is copied, so the record's
 * coordinates are derived from `batch` and `message` when a dead letter needs them.
 */
interface PendingDocument extends BulkDocument {
  readonly bytes: number;
  readonly message: KafkaConsumedMessage;
  readonly batch: SourceBatch;
}

/**
 * enriched-logs → prepare → batch → bulk → classify → (retry | dead-letter) → commit.
 * The stages' stable names, used in logs, metrics and dead letters: INDEXER_STAGES (indexer-stage.ts).
 *
 *  1. consume   A Kafka batch of one partition arrives (`handleBatch`). Its offsets are committed
 *               by the consumer only when this handler's promise resolves, so everything below
 *               must have settled first: that is the whole commit discipline. With the consumer in
 *               `on-acknowledge` mode (INDEXER_COMMIT_MODE) the consumer does not wait for that
 *               promise before fetching on: the next batches are decoded and prepared while
 *               earlier ones are indexed, several batches of one partition can be in flight, and
 *               the consumer commits each partition in offset order as the promises resolve.
 *  0. start     A data-stream target is checked first: the cluster must serve data streams and
 *               the name must not be a plain index (`checkTarget`); then the index template is
 *               installed.
 *  2. prepare   Each record becomes a bulk document (daily index from `@timestamp` and an `index`
 *               action, or the data stream and a `create` action; deterministic `_id`, the
 *               record's bytes as the source), or is unindexable (not a JSON object; for a data
 *               stream also no readable `@timestamp`) and goes straight to the dead-letter topic.
 *  3. batch     Documents from all partitions are grouped into `_bulk` chunks bounded by count,
 *               bytes and linger time; at most `bulkConcurrency` chunks are in flight.
 *  4. bulk      One `_bulk` request per chunk (`indexChunk`). A request that failed as a whole
 *               is retried when retriable (connection loss, timeout, 429, 5xx), and bisected down
 *               to the single refused document otherwise (dead-lettered at this stage).
 *  5. classify  Every item is ok, duplicate, retry or dead-letter (`classifyBulkItem`); duplicate
 *               is a `create` that found its `_id` already there (a replay into a data stream):
 *               done, counted apart.
 *  6. retry     Retriable items are sent again, with exponential backoff, in the same chunk slot,
 *               for as long as it takes. The handler keeps waiting meanwhile, so consumption
 *               pauses and memory stays bounded: after-handler, the partition is not fetched
 *               further; on-acknowledge, the consumer's in-flight window fills and fetching waits.
 *  7. dead_letter  Refused documents are produced to the dead-letter topic (with the error and
 *               their source coordinates) and count as settled once Kafka acknowledged them.
 *  8. commit    When every document of the batch is settled, the handler resolves and the
 *               consumer commits. A crash before that replays the batch; the deterministic ids
 *               make the replay overwrite (daily) or answer 409 (data stream) instead of duplicate.
 *
 * A batch that fails (hold timeout, abandoned shutdown) is never skipped: after-handler, kafkajs
 * fetches it again; on-acknowledge, the consumer commits nothing of that partition from it on and
 * seeks back to it. Batches in flight at a rebalance are delivered again to the partition's next
 * owner; the deterministic ids make that an overwrite.
 *
 * Shutdown: stop() flushes partial chunks immediately, lets the consumer finish the in-flight
 * batches and commit, and leaves the group. If Elasticsearch is down and in-flight work cannot
 * settle within `shutdownTimeoutMs`, the retries are abandoned and those batches stay
 * uncommitted, to be replayed by the next owner of the partition.
 */
export class IndexerPipeline {
  private readonly batcher: BulkBatcher<PendingDocument>;
  private readonly abort = new AbortController();
  private readonly deadLetters: DeadLetterSink;
  private readonly now: () => number;
  private readonly random: () => number;
  private started = false;
  private stopping = false;

  constructor(
    private readonly options: IndexerPipelineOptions,
    private readonly deps: IndexerPipelineDependencies,
  ) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.deadLetters = new DeadLetterSink(
      { topic: options.deadLetterTopic, ...(options.deadLetterMaxBytes === undefined ? {} : { maxValueBytes: options.deadLetterMaxBytes }) },
      { producer: deps.deadLetters, metrics: deps.metrics, logger: deps.logger, now: this.now, untilDone: (stage, what, action) => this.untilDone(stage, what, action) },
    );
    this.batcher = new BulkBatcher<PendingDocument>(
      {
        maxDocuments: options.bulkMaxDocuments,
        maxBytes: options.bulkMaxBytes,
        lingerMs: options.bulkLingerMs,
        concurrency: options.bulkConcurrency,
      },
      (chunk) => this.indexChunk(chunk),
      this.now,
    );
  }

  /** Ready once the template is installed and the consumer runs. */
  get ready(): boolean {
    return this.started && !this.stopping;
  }

  /**
   * Checks the target, installs the index template (waiting for Elasticsearch if needed), then
   * starts consuming. Rejects with an IndexerTargetError, consuming nothing, when the target
   * cannot work on this cluster.
   */
  async start(): Promise<void> {
    await this.checkTarget();
    const { name, body } = targetIndexTemplate(this.options.target, {
      numberOfShards: this.options.numberOfShards,
      numberOfReplicas: this.options.numberOfReplicas,
    });
    await this.untilDone('start', 'install index template', () => this.deps.elasticsearch.ensureIndexTemplate(name, body));
    await this.deps.consumer.run((batch) => this.handleBatch(batch));
    this.started = true;
    this.deps.logger.info('indexer started', { target: this.options.target, indexTemplate: name, deadLetterTopic: this.options.deadLetterTopic });
  }

  // 0. A data stream needs a cluster that serves them (else the template's `data_stream` would be
  // all there is, with no API to see, roll over or delete the stream) and a name no plain index or
  // alias holds (else `create` would write there). Daily indices need nothing.
  private async checkTarget(): Promise<void> {
    const { target } = this.options;
    if (target.kind !== 'data-stream') return;
    const found = await this.untilDone('start', 'look up the data stream', () => this.deps.elasticsearch.dataStream(target.name));
    if (found.state === 'unsupported') throw new IndexerTargetError('DATA_STREAMS_UNSUPPORTED', target.name, found.detail);
    if (found.state === 'name-taken') throw new IndexerTargetError('DATA_STREAM_NAME_TAKEN', target.name);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.batcher.drain();
    const deadline = setTimeout(() => {
      this.deps.logger.warn('shutdown timeout: abandoning in-flight batches uncommitted (they will be replayed)', {
        queued: this.batcher.queued,
        inFlight: this.batcher.active,
      });
      this.abort.abort();
    }, this.options.shutdownTimeoutMs);
    try {
      await this.deps.consumer.stop();
    } finally {
      clearTimeout(deadline);
      this.abort.abort();
    }
    this.deps.logger.info('indexer stopped');
  }

  // 1. consume: one partition's batch; resolving it lets the consumer commit its offsets (in order).
  async handleBatch(batch: KafkaConsumedBatch): Promise<void> {
    const { metrics } = this.deps;
    metrics.received.inc({ topic: batch.topic }, batch.messages.length);
    const nowMs = this.now();
    const documents: PendingDocument[] = [];
    const unindexable: DeadLetter[] = [];

    // 2. prepare
    const settlement = new BatchSettlement();
    const source: SourceBatch = { topic: batch.topic, partition: batch.partition, settlement };
    const options: PrepareOptions = { target: this.options.target, idField: this.options.idField, nowMs, maxDepth: this.options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH };
    for (const message of batch.messages) {
      const coordinates = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      const prepared = this.prepare(message, coordinates, options);
      if (prepared.kind === 'document') {
        const { index, id, source: bytes, action } = prepared.document;
        documents.push({ index, id, source: bytes, action, bytes: bulkEntryBytes(prepared.document), message, batch: source });
      } else {
        unindexable.push({ stage: 'prepare', reason: 'unindexable', coordinates, message, errorType: prepared.reason, errorReason: prepared.detail });
      }
    }

    // 3. batch (4–7 happen in indexChunk), while unindexable records go to the dead-letter topic
    settlement.expect(documents.length);
    this.batcher.add(documents);
    const hold = setTimeout(() => settlement.fail(new IndexerHoldTimeoutError(batch, this.options.holdMaxMs)), this.options.holdMaxMs);
    try {
      await Promise.all([settlement.done, this.deadLetter(unindexable)]);
    } finally {
      clearTimeout(hold);
    }

    // 8. commit: resolving here is the consumer's signal to commit this batch
    const last = batch.messages.at(-1);
    if (last !== undefined) {
      const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
      metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(lag > 0n ? lag : 0n));
    }
  }

  // 2. prepare one record. Whatever its content, the answer is a document or a dead letter: an
  // unexpected failure on one record (a bug its bytes trigger) dead-letters that record alone
  // (`prepare_failed`) instead of failing the batch, which would stop the partition on it.
  private prepare(message: KafkaConsumedMessage, coordinates: RecordCoordinates, options: PrepareOptions): PreparedRecord {
    try {
      return prepareBulkDocument({ coordinates, origin: readOrigin(message.headers), value: message.value, timestamp: message.timestamp }, options);
    } catch (error) {
      return { kind: 'unindexable', reason: 'prepare_failed', detail: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'unknown error' };
    }
  }

  // 4–7: one chunk, until every document in it is indexed or dead-lettered. Never rejects.
  private async indexChunk(chunk: PendingDocument[]): Promise<void> {
    const { metrics, logger } = this.deps;
    metrics.inFlightBulks.inc();
    // documents of a batch handed back (hold timeout) are dropped here: Kafka delivers them again
    let pending = chunk.filter((entry) => !entry.batch.settlement.failed);
    let attempt = 0;
    try {
      while (pending.length > 0) {
        // 4. bulk
        const body = encodeBulk(pending);
        metrics.bulkDocuments.observe(pending.length);
        metrics.bulkBytes.observe(body.length);
        const endTimer = metrics.bulkLatency.startTimer();
        let response;
        try {
          response = await this.deps.elasticsearch.bulk(body);
          endTimer({ outcome: 'ok' });
        } catch (error) {
          endTimer({ outcome: 'failed' });
          if (isRetriable(error)) {
            metrics.retried.inc({ cause: 'request_failed' }, pending.length);
            logger.warn('bulk request failed; retrying', { stage: 'bulk', documents: pending.length, attempt, error });
            await this.backoff(attempt++);
            continue;
          }
          // refused as a whole (4xx): bisect to find the document(s) it refuses
          if (pending.length > 1) {
            const half = Math.ceil(pending.length / 2);
            await this.indexChunk(pending.slice(0, half));
            await this.indexChunk(pending.slice(half));
            return;
          }
          const [only] = pending as [PendingDocument];
          const message = error instanceof Error ? error.message : String(error);
          await this.deadLetter([{ ...toDeadLetter(only), stage: 'bulk', reason: 'request_rejected', errorType: errorCode(error), errorReason: message }]);
          return;
        }

        // 5. classify; `errors: false` with one item per document is Elasticsearch saying all succeeded
        const { items } = response;
        const retry: PendingDocument[] = [];
        const rejected: DeadLetter[] = [];
        const retryCauses = new Map<RetryCause, number>();
        let indexed = 0;
        let duplicates = 0;
        if (!response.errors && items.length === pending.length) {
          indexed = pending.length;
          for (const entry of pending) entry.batch.settlement.settle(1);
        } else {
          pending.forEach((entry, i) => {
            const verdict = classifyBulkItem(items[i] ?? {});
            if (verdict.outcome === 'ok') {
              indexed += 1;
              entry.batch.settlement.settle(1);
            } else if (verdict.outcome === 'duplicate') {
              duplicates += 1;
              entry.batch.settlement.settle(1);
            } else if (verdict.outcome === 'retry') {
              retry.push(entry);
              const cause = retryCause(verdict);
              retryCauses.set(cause, (retryCauses.get(cause) ?? 0) + 1);
            } else {
              rejected.push({
                ...toDeadLetter(entry),
                stage: 'classify',
                reason: 'rejected',
                errorType: verdict.errorType ?? 'unknown',
                errorReason: verdict.errorReason ?? '',
                verdict,
              });
            }
          });
        }
        metrics.indexed.inc(indexed);
        if (duplicates > 0) metrics.duplicates.inc(duplicates);

        // 7. dead-letter what Elasticsearch will never accept
        await this.deadLetter(rejected);

        // 6. retry the rest after a backoff, in this same slot
        if (retry.length > 0) {
          for (const [cause, count] of retryCauses) metrics.retried.inc({ cause }, count);
          logger.warn('documents not accepted yet; retrying', { stage: 'retry', documents: retry.length, attempt, causes: Object.fromEntries(retryCauses) });
          await this.backoff(attempt++);
        }
        pending = retry.filter((entry) => !entry.batch.settlement.failed);
      }
    } catch (error) {
      // only an abandoned shutdown gets here: leave these batches uncommitted
      for (const entry of pending) entry.batch.settlement.fail(error);
    } finally {
      metrics.inFlightBulks.dec();
    }
  }

  // 7. produce to the dead-letter topic until Kafka acknowledges; a record is settled only then.
  private deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    return this.deadLetters.send(letters);
  }

  /** Runs `action` until it succeeds, backing off between attempts (each failure a warning naming its stage); only shutdown interrupts it. */
  private async untilDone<T>(stage: IndexerStage, what: string, action: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await action();
      } catch (error) {
        this.deps.logger.warn(`${what} failed; retrying`, { stage, attempt, error });
        await this.backoff(attempt);
      }
    }
  }

  private async backoff(attempt: number): Promise<void> {
    // `attempt` counts from 0 here (0 = the first retry)
    const delay = backoffDelay(attempt + 1, this.options.retryInitialMs, this.options.retryMaxMs, this.random());
    await sleep(delay, undefined, { signal: this.abort.signal });
  }
}

function toDeadLetter(entry: PendingDocument): DeadLetter {
  const { index, id, source, action } = entry;
  return {
    stage: 'classify',
    reason: 'rejected',
    coordinates: { topic: entry.batch.topic, partition: entry.batch.partition, offset: entry.message.offset },
    message: entry.message,
    document: action === undefined ? { index, id, source } : { index, id, source, action },
    settlement: entry.batch.settlement,
    errorType: 'unknown',
    errorReason: '',
  };
}

function retryCause(verdict: BulkItemVerdict): RetryCause {
  if (verdict.status === 429) return 'item_throttled';
  if (verdict.status >= 500 || verdict.status === 0) return 'item_unavailable';
  return 'item_blocked';
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown';
}
