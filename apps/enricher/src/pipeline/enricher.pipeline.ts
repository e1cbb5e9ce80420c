import type { KafkaConsumedBatch, KafkaConsumedMessage, KafkaProducedRecord, KafkaProducerPort } from '@iocflow/io';
import { DEAD_LETTER_HEADERS as CORE_DEAD_LETTER_HEADERS, DEFAULT_DEAD_LETTER_MAX_BYTES, ORIGIN_HEADER, SOURCE_HEADERS, capDeadLetterValue, formatOrigin, originHeaders } from '@iocflow/core';
import type { IndicatorLookup, IndicatorMatch, LookupQuery } from '../lookup/indicator-lookup';
import { StoreUnavailableError } from '../lookup/store-unavailable.error';
import type { EnricherMetrics } from '../metrics/enricher.metrics';
import { applyEnrichment, outputConflict, type EnrichmentOptions, type LookupOutcome } from './apply-enrichment';
import { BatchQueries } from './batch-queries';
import type { Rejection } from './dead-letter-reason';
import { extractObservables, type CompiledRule, type Observation } from './extract-observables';
import { holdDelay } from './hold-delay';
import { ObservableCoverage, type CoverageReport } from './observable-coverage';
import { parseEvent, type ParsedEvent } from './parse-event';
import { PartitionSendOrder, type SendTurn } from './partition-send-order';

export interface EnricherPipelineOptions {
  readonly enrichedTopic: string;
  readonly deadLetterTopic: string;
  readonly rules: readonly CompiledRule[];
  readonly maxEventBytes: number;
  readonly maxObservablesPerEvent: number;
  readonly onStoreUnavailable: 'hold' | 'pass-unknown';
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Longest a batch is held in one handler call before it is failed back to the consumer uncommitted. */
  readonly holdMaxMs: number;
  readonly mispUrl?: string;
  /** Longest dead-letter value (DEAD_LETTER_MAX_BYTES); a longer one is cut, with headers saying so. Default 900 KiB. */
  readonly deadLetterMaxBytes?: number;
}

/** The pipeline's log: warnings only, rate-limited by the caller (never per event). */
export interface PipelineLog {
  storeUnavailable(error: StoreUnavailableError, held: boolean): void;
  deadLettered(rejection: Rejection, topic: string, partition: number, offset: string): void;
  /** Most events of a partition had none of the looked-up fields (`fields`) over a window. */
  noObservables?(report: CoverageReport, fields: readonly string[]): void;
}

/** Headers every dead letter carries on top of the original record's headers (names shared in core's record-headers.ts). */
export const DEAD_LETTER_HEADERS = { ...CORE_DEAD_LETTER_HEADERS, ...SOURCE_HEADERS } as const;

/** Raised when the pipeline is stopped while a batch is held: the batch stays uncommitted. */
export class PipelineStoppedError extends Error {
  readonly code = 'PIPELINE_STOPPED';
  readonly retriable = true;
  constructor() {
    super('PIPELINE_STOPPED: the enricher is shutting down; the held batch is left uncommitted');
    this.name = 'PipelineStoppedError';
  }
}

interface PreparedEvent {
  readonly message: KafkaConsumedMessage;
  readonly parsed: ParsedEvent;
  readonly observations: readonly Observation[];
  /** Index into the batch's query list, per observation. */
  readonly queryIndexes: readonly number[];
}

/**
 * The enricher, one consumed batch at a time. Stages, in order, each named as in logs and metrics:
 *
 *   parse    raw record → JSON object, or a dead letter (empty, too large, not UTF-8/JSON/object)
 *   extract  lookup rules → normalised observations, or a dead letter (a lookup field of the wrong type)
 *   lookup   every distinct (kind, value, parents) query of the whole batch, resolved at once;
 *            when the store cannot answer: hold (retry with backoff, nothing produced, nothing
 *            committed) or, in pass-unknown mode, mark the batch `unknown`
 *   apply    misp_src + threat.enrichments on the original text; an event without any observable
 *            (none of the looked-up fields held a value) is `no_observable`, not a miss
 *   produce  enriched records (same key and headers) and dead letters in one acknowledged send,
 *            after the partition's earlier batches were sent (PartitionSendOrder)
 *
 * `handleBatch` resolves only after the produce was acknowledged; the consumer commits after
 * that, so a crash anywhere replays the batch (at least once) and never loses it. Batches of one
 * partition may overlap (the consumer's on-acknowledge mode): their work runs side by side, their
 * sends keep the input order.
 */
export class EnricherPipeline {
  private readonly stopping = new AbortController();
  private readonly enrichmentOptions: EnrichmentOptions;
  private readonly sendOrder = new PartitionSendOrder();
  private readonly coverage = new ObservableCoverage();
  /** The distinct fields the rules look up, named when a partition's events have none of them. */
  private readonly lookedUpFields: readonly string[];

  constructor(
    private readonly options: EnricherPipelineOptions,
    private readonly lookup: IndicatorLookup,
    private readonly producer: Pick<KafkaProducerPort, 'send'>,
    private readonly metrics: EnricherMetrics,
    private readonly log: PipelineLog,
    private readonly random: () => number = Math.random,
  ) {
    this.enrichmentOptions = options.mispUrl === undefined ? {} : { mispUrl: options.mispUrl };
    this.lookedUpFields = [...new Set(options.rules.map((rule) => rule.field))];
  }

  /** Abort any hold in progress (shutdown); later held batches fail at once, uncommitted. */
  stop(): void {
    this.stopping.abort();
  }

  handleBatch(batch: KafkaConsumedBatch): Promise<void> {
    // The turn is taken before anything is awaited: arrival order is the send order.
    const turn = this.sendOrder.turn(batch.topic, batch.partition);
    return this.enrich(batch, turn).then(
      () => turn.sent(),
      (error: unknown) => {
        turn.failed(error);
        throw error;
      },
    );
  }

  private async enrich(batch: KafkaConsumedBatch, turn: SendTurn): Promise<void> {
    const started = performance.now();
    const records: KafkaProducedRecord[] = [];
    const rejected: Rejection[] = [];
    const events: PreparedEvent[] = [];
    const batchQueries = new BatchQueries();

    // parse + extract
    for (const message of batch.messages) {
      const rejection = this.prepare(message, events, batchQueries);
      if (rejection !== undefined) {
        rejected.push(rejection);
        records.push(this.deadLetter(batch, message, rejection));
      }
    }

    // lookup
    const matches = await this.resolve(batchQueries.queries);

    // apply
    let hits = 0;
    let unknown = 0;
    let noObservable = 0;
    // feed NUL field → matched values, counted once per batch (a labelled `inc` per hit is costly).
    const hitCounts = new Map<string, number>();
    const enrichmentOptions = this.enrichmentOptions;
    const partition = String(batch.partition);
    for (const event of events) {
      let outcome: LookupOutcome;
      if (event.observations.length === 0) {
        outcome = NO_OBSERVATIONS;
        noObservable++;
      } else if (matches === undefined) {
        outcome = UNKNOWN;
        unknown++;
      } else {
        const indexes = event.queryIndexes;
        const eventMatches = new Array<IndicatorMatch | undefined>(indexes.length);
        let hit = false;
        for (let i = 0; i < indexes.length; i++) {
          const match = matches[indexes[i] as number];
          eventMatches[i] = match;
          if (match === undefined) continue;
          hit = true;
          const field = (event.observations[i] as Observation).field;
          for (const feed of match.feeds) {
            const label = `${feed}\u0000${field}`;
            hitCounts.set(label, (hitCounts.get(label) ?? 0) + 1);
          }
        }
        outcome = { known: true, matches: eventMatches };
        if (hit) hits++;
      }
      const value = applyEnrichment(event.parsed, event.observations, outcome, enrichmentOptions);
      // Same key and headers, plus where the event entered iocflow: the indexer names the document after it.
      records.push({ topic: this.options.enrichedTopic, key: event.message.key, value, headers: withOrigin(event.message.headers, batch.topic, partition, event.message.offset) });
    }

    // produce (resolves after the brokers acknowledged every record)
    await turn.earlierSent();
    for (const chunk of sendChunks(records, MAX_SEND_BYTES)) await this.producer.send(chunk);

    // Counted only once acknowledged, so that in = out + dead-lettered holds across retries.
    const metrics = this.metrics;
    metrics.eventsIn.inc(batch.messages.length);
    if (hits > 0) metrics.eventsOut.inc({ outcome: 'hit' }, hits);
    if (unknown > 0) metrics.eventsOut.inc({ outcome: 'unknown' }, unknown);
    if (noObservable > 0) metrics.eventsOut.inc({ outcome: 'no_observable' }, noObservable);
    const misses = events.length - hits - unknown - noObservable;
    if (misses > 0) metrics.eventsOut.inc({ outcome: 'miss' }, misses);
    const coverage = this.coverage.record(batch.topic, batch.partition, events.length, noObservable, Date.now());
    if (coverage !== undefined) this.log.noObservables?.(coverage, this.lookedUpFields);
    for (const [label, count] of hitCounts) {
      const separator = label.lastIndexOf('\u0000');
      metrics.hits.inc({ feed: label.slice(0, separator), field: label.slice(separator + 1) }, count);
    }
    for (const rejection of rejected) metrics.deadLettered(rejection.reason);
    metrics.batchSize.observe(batch.messages.length);
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) {
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
      metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
    }
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
  }

  private prepare(message: KafkaConsumedMessage, events: PreparedEvent[], batchQueries: BatchQueries): Rejection | undefined {
    const parsed = parseEvent(message.value, this.options.maxEventBytes);
    if (!parsed.ok) return parsed.rejection;
    const conflict = outputConflict(parsed.parsed.event);
    if (conflict !== undefined) return conflict;
    const extracted = extractObservables(parsed.parsed.event, this.options.rules, this.options.maxObservablesPerEvent);
    if (!extracted.ok) return extracted.rejection;
    const observations = extracted.observations;
    const queryIndexes = new Array<number>(observations.length);
    for (let i = 0; i < observations.length; i++) {
      const observation = observations[i] as Observation;
      queryIndexes[i] = batchQueries.indexOf(observation.kind, observation.value, observation.parents);
    }
    events.push({ message, parsed: parsed.parsed, observations: extracted.observations, queryIndexes });
    return undefined;
  }

  /** The batch's answers, or undefined for "unknown" (pass-unknown mode with an unusable store). */
  private async resolve(queries: readonly LookupQuery[]): Promise<readonly (IndicatorMatch | undefined)[] | undefined> {
    if (queries.length === 0) return [];
    const heldSince = Date.now();
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const matches = await this.lookup.resolve(queries);
        this.metrics.lookupSeconds.observe((performance.now() - started) / 1000);
        this.metrics.lookupKeys.observe(queries.length);
        this.metrics.storeUsable.set(1);
        return matches;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        this.metrics.storeUsable.set(0);
        this.metrics.storeHolds.inc({ code: error.code });
        const hold = this.options.onStoreUnavailable === 'hold';
        this.log.storeUnavailable(error, hold);
        if (!hold) return undefined;
        if (this.stopping.signal.aborted) throw new PipelineStoppedError();
        // Give the batch back to the consumer before a rebalance would time out; it is fetched again, uncommitted.
        if (Date.now() - heldSince >= this.options.holdMaxMs) throw error;
        await sleep(holdDelay(attempt, this.options.retryInitialMs, this.options.retryMaxMs, this.random()), this.stopping.signal);
      }
    }
  }

  private deadLetter(batch: KafkaConsumedBatch, message: KafkaConsumedMessage, rejection: Rejection): KafkaProducedRecord {
    this.log.deadLettered(rejection, batch.topic, batch.partition, message.offset);
    // Cut to what the dead-letter topic accepts: a refused dead letter would stop the consumer on this record.
    const capped = capDeadLetterValue(message.value, this.options.deadLetterMaxBytes ?? DEFAULT_DEAD_LETTER_MAX_BYTES);
    return {
      topic: this.options.deadLetterTopic,
      key: message.key,
      value: capped.value,
      headers: {
        ...message.headers,
        [DEAD_LETTER_HEADERS.reason]: rejection.reason,
        [DEAD_LETTER_HEADERS.message]: rejection.message,
        [DEAD_LETTER_HEADERS.topic]: batch.topic,
        [DEAD_LETTER_HEADERS.partition]: String(batch.partition),
        [DEAD_LETTER_HEADERS.offset]: message.offset,
        ...originHeaders({ topic: batch.topic, partition: batch.partition, offset: message.offset }),
        ...capped.headers,
      },
    };
  }
}

/**
 * Most record bytes one `send` carries. Enrichment makes records larger than they came in, so a
 * consumed batch of up to ENRICHER_MAX_BYTES_PER_PARTITION (1 MiB by default) can come out larger
 * than the broker's per-batch limit (`message.max.bytes`, 1 MiB by default) when its records share
 * an output partition (same key, or no spread), and the broker rejects it for good. 7/8 of that
 * limit leaves room for the record and batch overheads (tens of bytes per record), while a
 * typical batch (~1,250 events of ~700 bytes) still goes in one send, i.e. one round trip.
 */
export const MAX_SEND_BYTES = 896 * 1024;

/** Records in order, cut into runs of at most `maxBytes` (key + value + headers; a bigger record goes alone). */
export function sendChunks(records: readonly KafkaProducedRecord[], maxBytes: number): KafkaProducedRecord[][] {
  const chunks: KafkaProducedRecord[][] = [];
  let chunk: KafkaProducedRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function recordBytes(record: KafkaProducedRecord): number {
  let size = byteLength(record.key) + byteLength(record.value);
  if (record.headers !== undefined) for (const name in record.headers) size += name.length + byteLength(record.headers[name]);
  return size;
}

function byteLength(data: Buffer | string | null | undefined): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}

/** Outcomes shared by every event they apply to (applyEnrichment only reads them). */
const NO_OBSERVATIONS: LookupOutcome = { known: true, matches: [] };
const UNKNOWN: LookupOutcome = { known: false };

/** `{ ...headers, ...originHeaders(…) }` built in one object: the record's headers, then its origin (which wins). */
function withOrigin(headers: Readonly<Record<string, Buffer>>, topic: string, partition: string, offset: string): Record<string, Buffer | string> {
  const result: Record<string, Buffer | string> = { ...headers };
  result[ORIGIN_HEADER] = formatOrigin(topic, partition, offset);
  return result;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
