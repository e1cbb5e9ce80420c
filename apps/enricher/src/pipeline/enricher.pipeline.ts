import { recordBytes, recordRefusedType, type KafkaConsumedBatch, type KafkaConsumedMessage, type KafkaProducedRecord, type KafkaProducerPort } from '@iocflow/io';
import {
  DEAD_LETTER_HEADERS as CORE_DEAD_LETTER_HEADERS,
  DEFAULT_MAX_JSON_DEPTH,
  ORIGIN_HEADER,
  SOURCE_HEADERS,
  backoffDelay,
  deadLetterRecord,
  originHeaders,
  originPrefix,
  originValue,
  type JsonFieldPlan,
} from '@iocflow/core';
import type { IndicatorLookup, IndicatorMatch, LookupQuery } from '../lookup/indicator-lookup';
import { StoreUnavailableError } from '../lookup/store-unavailable.error';
import { EVENT_OUTCOMES, type EnricherMetrics, type EventOutcome } from '../metrics/enricher.metrics';
import { applyEnrichment, applyEnrichmentWithin, outputConflict, type EnrichmentOptions, type LookupOutcome } from './apply-enrichment';
import { BatchQueries } from './batch-queries';
import type { Rejection, StagedRejection } from './dead-letter-reason';
import type { EnricherStage } from './enricher-stage';
import { eventPlan, extractObservables, type CompiledRule, type Observation } from './extract-observables';
import { hitRecords, type HitRecordOptions } from './hit-records';
import { ObservableCoverage, type CoverageReport } from './observable-coverage';
import { readEvent, type EventLimits, type ParsedEvent } from './parse-event';
import { PartitionSendOrder, type SendTurn } from './partition-send-order';

export interface EnricherPipelineOptions {
  readonly enrichedTopic: string;
  readonly deadLetterTopic: string;
  readonly rules: readonly CompiledRule[];
  readonly maxEventBytes: number;
  /** Deepest nesting of objects and arrays accepted (ENRICHER_MAX_DEPTH); default DEFAULT_MAX_JSON_DEPTH. */
  readonly maxDepth?: number;
  readonly maxObservablesPerEvent: number;
  /**
   * Largest enriched record (key + value + headers + record overhead, RECORD_OVERHEAD_BYTES) sent
   * to the enriched topic (ENRICHER_MAX_RECORD_BYTES, kept below the topic's max.message.bytes);
   * default DEFAULT_MAX_RECORD_BYTES. A larger one loses enrichment entries until it fits, or is
   * dead-lettered as `output_too_large`.
   */
  readonly maxRecordBytes?: number;
  /** Most `threat.enrichments` entries per event (ENRICHER_MAX_ENRICHMENTS); default unbounded. */
  readonly maxEnrichments?: number;
  readonly onStoreUnavailable: 'hold' | 'pass-unknown';
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Longest a batch is held in one handler call before it is failed back to the consumer uncommitted. */
  readonly holdMaxMs: number;
  readonly mispUrl?: string;
  /** Longest dead-letter value (DEAD_LETTER_MAX_BYTES); a longer one is cut, with headers saying so. Default 900 KiB. */
  readonly deadLetterMaxBytes?: number;
  /** The hits stream (THREAT_HITS_TOPIC): one hit record per match, in the same send as the enriched event; absent = off. */
  readonly hits?: HitRecordOptions;
}

/** The pipeline's log: warnings only, rate-limited by the caller (never per event). */
export interface PipelineLog {
  storeUnavailable(error: StoreUnavailableError, held: boolean): void;
  deadLettered(rejection: StagedRejection, topic: string, partition: number, offset: string): void;
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
  /** Observables beyond ENRICHER_MAX_OBSERVABLES_PER_EVENT, not looked up (0 for an ordinary event). */
  readonly unchecked: number;
  /** Index into the batch's query list, per observation. */
  readonly queryIndexes: readonly number[];
}

/** A batch's records, ready to send, and what is counted once they were acknowledged (see EnricherPipeline.build). */
interface BuiltBatch {
  readonly records: KafkaProducedRecord[];
  /** The hit records of the batch's events, sent with `records` (after them). */
  readonly hits: KafkaProducedRecord[];
  /** Per record: the event's outcome (undefined for a dead letter). */
  readonly outcomes: (EventOutcome | undefined)[];
  readonly rejected: StagedRejection[];
  /** Observables beyond the per-event cap, not looked up. */
  readonly unchecked: number;
  /** feed NUL field → matched values. */
  readonly hitCounts: Map<string, number>;
}

/** One event as it goes out (see EnricherPipeline.apply). */
interface EnrichedEvent {
  readonly record: KafkaProducedRecord;
  readonly size: number;
  readonly outcome: EventOutcome;
  /** The event's matches, aligned with its observations, when it hit. */
  readonly matches: readonly (IndicatorMatch | undefined)[] | undefined;
  /** Its hit records (the hits stream), none when it did not hit or the stream is off. */
  readonly hits: readonly KafkaProducedRecord[];
}

/**
 * Largest enriched record when neither ENRICHER_MAX_RECORD_BYTES nor the enriched topic's
 * max.message.bytes says (the runtime reads the topic's at start): below the broker's default
 * (1,048,588).
 */
export const DEFAULT_MAX_RECORD_BYTES = 1_000_000;

/**
 * The enricher, one consumed batch at a time. Stages, in order, each named as in logs, metrics and
 * dead letters (ENRICHER_STAGES, enricher-stage.ts):
 *
 *   parse    raw record → JSON object, or a dead letter (empty, too large, too deep, not
 *            UTF-8/JSON/object); one validating scan of the bytes that hands each rule its
 *            value (readEvent), no whole-event JSON.parse
 *   extract  lookup rules → normalised observations (at most the per-event cap looked up, the
 *            rest counted), or a dead letter (a lookup field of the wrong type)
 *   lookup   every distinct (kind, value, parents) query of the whole batch, resolved at once;
 *            when the store cannot answer: hold (retry with backoff, nothing produced, nothing
 *            committed) or, in pass-unknown mode, mark the batch `unknown`
 *   apply    misp_src + threat.enrichments on the original text; an event without any observable
 *            (none of the looked-up fields held a value) is `no_observable`, not a miss; a record
 *            over the size limit loses enrichment entries until it fits, or is dead-lettered
 *            (`misp_src` is never cut)
 *   produce  enriched records (same key and headers), dead letters and the hit records of the
 *            events that hit (THREAT_HITS_TOPIC, one per match) in one acknowledged send, after
 *            the partition's earlier batches were sent (PartitionSendOrder); a record the broker
 *            still refuses for its size or content is dead-lettered alone, and its event's hits
 *            are not sent
 *
 * One record never stops the partition: whatever its content, it comes out enriched or as a dead
 * letter with a reason (an unexpected failure while enriching it included: `enrich_failed`).
 * Only the world — the store, the brokers — holds the batch.
 *
 * `handleBatch` resolves only after the produce was acknowledged; the consumer commits after
 * that, so a crash anywhere replays the batch (at least once) and never loses it. Batches of one
 * partition may overlap (the consumer's on-acknowledge mode): their work runs side by side, their
 * sends keep the input order.
 */
export class EnricherPipeline {
  private readonly stopping = new AbortController();
  private readonly enrichmentOptions: EnrichmentOptions;
  private readonly eventLimits: EventLimits;
  /** What the parse stage's scan looks for in an event (the rules' fields). */
  private readonly eventPlan: JsonFieldPlan;
  private readonly maxRecordBytes: number;
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
    this.enrichmentOptions = {
      ...(options.mispUrl === undefined ? {} : { mispUrl: options.mispUrl }),
      ...(options.maxEnrichments === undefined ? {} : { maxEnrichments: options.maxEnrichments }),
    };
    this.eventPlan = eventPlan(options.rules);
    this.eventLimits = { maxBytes: options.maxEventBytes, maxDepth: options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH };
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
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
    const { records, hits, outcomes, rejected, unchecked, hitCounts } = await this.build(batch);

    // produce (resolves after the brokers acknowledged every record)
    await turn.earlierSent();
    // the producer cuts the send into requests of at most its maxSendBytes (the runtime sets it under the topic's limit)
    const sent = await this.sendWithHits(batch, records, hits, rejected);
    for (const refused of sent.refused) outcomes[records.indexOf(refused)] = undefined;

    // Counted only once acknowledged, so that in = out + dead-lettered holds across retries.
    const metrics = this.metrics;
    metrics.eventsIn.inc(batch.messages.length);
    const out: Record<EventOutcome, number> = { hit: 0, miss: 0, unknown: 0, no_observable: 0, unchecked: 0 };
    // indexed loops over the per-event arrays: a `for…of` step allocates its iterator result in
    // code that runs once per batch and so rarely gets optimised (docs/benchmarks.md)
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (outcome !== undefined) out[outcome]++;
    }
    for (const outcome of EVENT_OUTCOMES) if (out[outcome] > 0) metrics.eventsOut.inc({ outcome }, out[outcome]);
    if (unchecked > 0) metrics.observablesUnchecked.inc(unchecked);
    const enriched = EVENT_OUTCOMES.reduce((sum, outcome) => sum + out[outcome], 0);
    const coverage = this.coverage.record(batch.topic, batch.partition, enriched, out.no_observable, Date.now());
    if (coverage !== undefined) this.log.noObservables?.(coverage, this.lookedUpFields);
    for (const [label, count] of hitCounts) {
      const separator = label.lastIndexOf('\u0000');
      metrics.hits.inc({ feed: label.slice(0, separator), field: label.slice(separator + 1) }, count);
    }
    for (const rejection of rejected) metrics.deadLettered(rejection.stage, rejection.reason);
    if (sent.hits > 0) metrics.hitRecords.inc(sent.hits);
    if (sent.hitsRefused > 0) metrics.hitRecordsDropped.inc({ reason: 'refused' }, sent.hitsRefused);
    metrics.batchSize.observe(batch.messages.length);
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) {
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
      metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
    }
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
  }

  /**
   * The parse, extract, lookup and apply stages of a batch: what goes out, and what is counted
   * once it was acknowledged. Its own call, so that the per-event state (scans, observations,
   * the batch's queries and answers) is garbage before the produce is awaited: a batch waits
   * for its acknowledgement longer than it takes to build, and what lives through a scavenge
   * is copied and then promoted to the old space (docs/benchmarks.md, "table mode's CPU per
   * event end to end").
   */
  private async build(batch: KafkaConsumedBatch): Promise<BuiltBatch> {
    const records: KafkaProducedRecord[] = [];
    /** The hit records of the batch's events, sent with `records` (after them). */
    const hits: KafkaProducedRecord[] = [];
    /** Per record: the event's outcome (undefined for a dead letter). */
    const outcomes: (EventOutcome | undefined)[] = [];
    const rejected: StagedRejection[] = [];
    const events: PreparedEvent[] = [];
    const batchQueries = new BatchQueries();
    const deadLetter = (message: KafkaConsumedMessage, rejection: StagedRejection): void => {
      rejected.push(rejection);
      const record = this.deadLetter(batch, message, rejection);
      records.push(record);
      outcomes.push(undefined);
    };

    // parse + extract (indexed loops here and below: see enrich)
    const messages = batch.messages;
    for (let m = 0; m < messages.length; m++) {
      const message = messages[m] as KafkaConsumedMessage;
      const rejection = this.prepare(message, events, batchQueries);
      if (rejection !== undefined) deadLetter(message, rejection);
    }

    // lookup
    const matches = await this.resolve(batchQueries.queries);

    // apply
    let unchecked = 0;
    // feed NUL field → matched values, counted once per batch (a labelled `inc` per hit is costly).
    const hitCounts = new Map<string, number>();
    const partition = String(batch.partition);
    // the origin header's bytes up to the offset, the same for the whole batch
    const prefix = originPrefix(batch.topic, partition);
    for (let e = 0; e < events.length; e++) {
      const event = events[e] as PreparedEvent;
      const enriched = this.apply(event, matches, batch.topic, partition, prefix);
      if ('reason' in enriched) {
        deadLetter(event.message, enriched);
        continue;
      }
      records.push(enriched.record);
      outcomes.push(enriched.outcome);
      unchecked += event.unchecked;
      if (enriched.matches !== undefined) countHits(hitCounts, event.observations, enriched.matches);
      for (let h = 0; h < enriched.hits.length; h++) hits.push(enriched.hits[h] as KafkaProducedRecord);
    }
    return { records, hits, outcomes, rejected, unchecked, hitCounts };
  }

  /**
   * One event's enriched record, its size (recordBytes) and outcome, and the matches of a hit; or
   * the rejection that dead-letters it: a record over maxRecordBytes loses enrichment entries
   * until it fits (`output_too_large` when even none fits), and anything that throws while
   * enriching this one event (`enrich_failed`) is contained to it.
   */
  private apply(
    event: PreparedEvent,
    matches: readonly (IndicatorMatch | undefined)[] | undefined,
    topic: string,
    partition: string,
    /** originPrefix of the batch's topic and partition. */
    prefix: Buffer,
  ): EnrichedEvent | StagedRejection {
    let outcome: LookupOutcome;
    let eventMatches: (IndicatorMatch | undefined)[] | undefined;
    if (event.observations.length === 0) {
      outcome = NO_OBSERVATIONS;
    } else if (matches === undefined) {
      outcome = UNKNOWN;
    } else {
      // a miss allocates nothing here; a hit gets its matches aligned with its observations
      const indexes = event.queryIndexes;
      let hit = false;
      for (let i = 0; i < indexes.length && !hit; i++) hit = matches[indexes[i] as number] !== undefined;
      if (hit) {
        const found = new Array<IndicatorMatch | undefined>(indexes.length);
        for (let i = 0; i < indexes.length; i++) found[i] = matches[indexes[i] as number];
        eventMatches = found;
        outcome = { known: true, matches: found };
      } else {
        outcome = MISSED;
      }
    }
    try {
      const message = event.message;
      const value = applyEnrichment(event.parsed, event.observations, outcome, this.enrichmentOptions, event.unchecked);
      // Same key and headers, plus where the event entered iocflow: the indexer names the document after it.
      let record: KafkaProducedRecord = { topic: this.options.enrichedTopic, key: message.key, value, headers: withOrigin(message.headers, prefix, message.offset) };
      let size = recordBytes(record);
      if (size > this.maxRecordBytes) {
        // Rare: leave enrichment entries out until the record fits (misp_src keeps every feed).
        const trimmed = applyEnrichmentWithin(event.parsed, event.observations, outcome, this.enrichmentOptions, event.unchecked, this.maxRecordBytes - (size - byteLength(value)));
        if (trimmed === undefined) return { stage: 'apply', reason: 'output_too_large', message: `the enriched record is ${size} bytes, over ENRICHER_MAX_RECORD_BYTES ${this.maxRecordBytes} even without enrichment entries` };
        record = { ...record, value: trimmed };
        size = recordBytes(record);
      }
      const kind: EventOutcome = eventMatches !== undefined ? 'hit' : outcome === UNKNOWN ? 'unknown' : event.unchecked > 0 ? 'unchecked' : outcome === NO_OBSERVATIONS ? 'no_observable' : 'miss';
      const hitOptions = this.options.hits;
      const hits =
        eventMatches === undefined || hitOptions === undefined
          ? NO_HITS
          : hitRecords(hitOptions, { topic, partition: Number(partition), offset: message.offset }, message.value, event.parsed, event.observations, eventMatches, Date.now());
      return { record, size, outcome: kind, matches: eventMatches, hits };
    } catch (error) {
      return enrichFailed('apply', error);
    }
  }

  /**
   * The batch's one acknowledged send: its records, then the hit records of its events. `handleBatch`
   * resolves — and the consumer commits — only after both were acknowledged, so an enriched event
   * is never committed without its hits, nor a hit without its event; a failed send fails the
   * batch, which is replayed whole (at least once: a replay may write both again, under the same
   * keys — the hit key is threatHitKey — so a consumer can drop the duplicates).
   *
   * Only when the broker refuses a record for what it is (recordRefusedType: rare) is the send
   * taken apart: the records as `send` does it, then the hits of the events still enriched (an
   * event dead-lettered as `output_refused` loses its hits with it); a hit the broker refuses
   * alone is dropped and counted (iocflow_enricher_hit_records_dropped_total{reason="refused"}).
   * The first, whole attempt may have written part of what it held before the refusal.
   */
  private async sendWithHits(
    batch: KafkaConsumedBatch,
    records: KafkaProducedRecord[],
    hits: KafkaProducedRecord[],
    rejected: StagedRejection[],
  ): Promise<{ readonly refused: KafkaProducedRecord[]; readonly hits: number; readonly hitsRefused: number }> {
    if (hits.length === 0) return { refused: await this.send(batch, records, rejected), hits: 0, hitsRefused: 0 };
    try {
      await this.producer.send([...records, ...hits]);
      return { refused: [], hits: hits.length, hitsRefused: 0 };
    } catch (error) {
      if (recordRefusedType(error) === undefined) throw error;
    }
    const refused = await this.send(batch, records, rejected);
    const gone = new Set(refused.map(originText));
    const kept = hits.filter((hit) => !gone.has(originText(hit)));
    const hitsRefused = await this.sendHits(kept);
    return { refused, hits: kept.length - hitsRefused, hitsRefused };
  }

  /** Hit records, halved on a refusal until the refused one is alone; returns how many were refused (and dropped). */
  private async sendHits(chunk: KafkaProducedRecord[]): Promise<number> {
    if (chunk.length === 0) return 0;
    try {
      await this.producer.send(chunk);
      return 0;
    } catch (error) {
      if (recordRefusedType(error) === undefined) throw error;
      if (chunk.length === 1) return 1;
      const half = Math.ceil(chunk.length / 2);
      return (await this.sendHits(chunk.slice(0, half))) + (await this.sendHits(chunk.slice(half)));
    }
  }

  /**
   * One acknowledged send. When the broker refuses records for what they are (too large for the
   * topic, invalid: `recordRefusedType`) the chunk is split until the refused record is alone;
   * an enriched record refused alone is dead-lettered instead (`output_refused`). Anything else
   * — and a refused dead letter, which has nothing smaller to become — fails the batch.
   */
  private async send(batch: KafkaConsumedBatch, chunk: KafkaProducedRecord[], rejected: StagedRejection[]): Promise<KafkaProducedRecord[]> {
    try {
      await this.producer.send(chunk);
      return [];
    } catch (error) {
      const refusal = recordRefusedType(error);
      if (refusal === undefined) throw error;
      if (chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        return [...(await this.send(batch, chunk.slice(0, half), rejected)), ...(await this.send(batch, chunk.slice(half), rejected))];
      }
      const [record] = chunk as [KafkaProducedRecord];
      const message = record.topic === this.options.enrichedTopic ? batch.messages.find((candidate) => candidate.offset === originOffset(record)) : undefined;
      if (message === undefined) throw error;
      const rejection: StagedRejection = { stage: 'produce', reason: 'output_refused', message: `the broker refused the enriched record (${refusal})` };
      await this.producer.send([this.deadLetter(batch, message, rejection)]);
      rejected.push(rejection);
      return [record];
    }
  }

  /** The parse and extract stages of one event: the event is added to `events`, or its rejection returned. */
  private prepare(message: KafkaConsumedMessage, events: PreparedEvent[], batchQueries: BatchQueries): StagedRejection | undefined {
    let stage: EnricherStage = 'parse';
    try {
      const parsed = readEvent(message.value, this.eventLimits, this.eventPlan);
      if (!parsed.ok) return at(stage, parsed.rejection);
      stage = 'extract';
      // only a whole event can hold `threat` (a scanned one holding it took the parse path)
      const conflict = parsed.parsed.complete ? outputConflict(parsed.parsed.event) : undefined;
      if (conflict !== undefined) return at(stage, conflict);
      const extracted = extractObservables(parsed.parsed.event, this.options.rules, this.options.maxObservablesPerEvent);
      if (!extracted.ok) return at(stage, extracted.rejection);
      const observations = extracted.observations;
      const queryIndexes = new Array<number>(observations.length);
      for (let i = 0; i < observations.length; i++) {
        const observation = observations[i] as Observation;
        queryIndexes[i] = batchQueries.indexOf(observation.kind, observation.value, observation.parents);
      }
      events.push({ message, parsed: parsed.parsed, observations, unchecked: extracted.unchecked, queryIndexes });
      return undefined;
    } catch (error) {
      return enrichFailed(stage, error);
    }
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
        await sleep(backoffDelay(attempt, this.options.retryInitialMs, this.options.retryMaxMs, this.random()), this.stopping.signal);
      }
    }
  }

  private deadLetter(batch: KafkaConsumedBatch, message: KafkaConsumedMessage, rejection: StagedRejection): KafkaProducedRecord {
    this.log.deadLettered(rejection, batch.topic, batch.partition, message.offset);
    // core's envelope, cut to what the dead-letter topic accepts (a refused dead letter would stop
    // the consumer on this record); the origin is this record itself, as on an enriched record.
    const source = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    return deadLetterRecord({
      topic: this.options.deadLetterTopic,
      source,
      key: message.key,
      value: message.value,
      headers: message.headers,
      reason: rejection.reason,
      stage: rejection.stage,
      message: rejection.message,
      details: originHeaders(source),
      atMs: Date.now(),
      ...(this.options.deadLetterMaxBytes === undefined ? {} : { maxValueBytes: this.options.deadLetterMaxBytes }),
    });
  }

}

function byteLength(data: Buffer | string | null | undefined): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}

/** Adds one event's matched values to the batch's feed NUL field → count map. */
function countHits(hitCounts: Map<string, number>, observations: readonly Observation[], matches: readonly (IndicatorMatch | undefined)[]): void {
  for (let i = 0; i < matches.length; i++) {
    const match = matches[i];
    if (match === undefined) continue;
    const field = (observations[i] as Observation).field;
    for (const feed of match.feeds) {
      const label = `${feed}\u0000${field}`;
      hitCounts.set(label, (hitCounts.get(label) ?? 0) + 1);
    }
  }
}

/** A stage function's rejection, named with the stage that made it. */
function at(stage: EnricherStage, rejection: Rejection): StagedRejection {
  return { stage, reason: rejection.reason, message: rejection.message };
}

function enrichFailed(stage: EnricherStage, error: unknown): StagedRejection {
  return { stage, reason: 'enrich_failed', message: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'unknown error' };
}

/** The raw-logs offset an enriched record came from (its origin header). */
function originOffset(record: KafkaProducedRecord): string | undefined {
  const origin = record.headers?.[ORIGIN_HEADER];
  const text = origin === undefined ? undefined : String(origin);
  return text?.slice(text.lastIndexOf('/') + 1);
}

/** The origin header of a record (enriched or hit), as text. */
function originText(record: KafkaProducedRecord): string | undefined {
  const origin = record.headers?.[ORIGIN_HEADER];
  return origin === undefined ? undefined : String(origin);
}

const NO_HITS: readonly KafkaProducedRecord[] = [];

/** Outcomes shared by every event they apply to (applyEnrichment only reads them). */
const NO_OBSERVATIONS: LookupOutcome = { known: true, matches: [] };
/** Every observation missed (no entry matched). */
const MISSED: LookupOutcome = { known: true, matches: [] };
const UNKNOWN: LookupOutcome = { known: false };

/**
 * `{ ...headers, ...originHeaders(…) }` built in one object: the record's headers, then its origin
 * (which wins), as bytes (originValue: the same bytes a string would give, without encoding it
 * per record).
 */
function withOrigin(headers: Readonly<Record<string, Buffer>>, prefix: Buffer, offset: string): Record<string, Buffer | string> {
  const result: Record<string, Buffer | string> = { ...headers };
  result[ORIGIN_HEADER] = originValue(prefix, offset);
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
