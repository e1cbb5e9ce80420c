import { backoffDelay, isMispError } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaProducerPort, MispClient } from '@iocflow/io';
import { batchSightings, type SightingRequestPlan } from './batch-sightings';
import { foldSightings } from './fold-sightings';
import { RequestPacer } from './request-pacer';
import type { SightingsMetrics } from './sightings.metrics';
import type { SightingsState } from './sightings-state';

export interface SightingsPipelineOptions {
  /** MISP_SIGHTINGS_SOURCE: the sighting's `source` in MISP. */
  readonly source: string;
  /** MISP_SIGHTINGS_WINDOW: one sighting per indicator per window. */
  readonly windowMs: number;
  /** MISP_SIGHTINGS_BATCH_SIZE: most values per /sightings/add request. */
  readonly batchSize: number;
  /** MISP_SIGHTINGS_RATE: most /sightings/add requests per second. */
  readonly ratePerSecond: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** MISP_SIGHTINGS_HOLD_MAX: longest one batch is held (MISP down) before it is given back to the consumer, uncommitted. */
  readonly holdMaxMs: number;
}

/** The pipeline's log: warnings only, rate-limited by the caller. */
export interface SightingsLog {
  held(error: unknown, attempt: number): void;
  skipped(reason: string, detail: string, values: number): void;
}

/** Raised when misp-sync stops while a batch is held: the batch stays uncommitted. */
export class SightingsStoppedError extends Error {
  readonly code = 'SIGHTINGS_STOPPED';
  readonly retriable = true;
  constructor() {
    super('SIGHTINGS_STOPPED: misp-sync is stopping; the held hits are left uncommitted');
    this.name = 'SightingsStoppedError';
  }
}

/**
 * Raised when MISP could not take a batch's sightings within holdMaxMs: retriable whatever MISP's
 * error was (MISP down, or the key refused — a configuration to fix, not a reason to drop), so the
 * consumer gives the batch back uncommitted and fetches it again.
 */
export class SightingsHeldError extends Error {
  readonly code = 'SIGHTINGS_HELD';
  readonly retriable = true;
  constructor(cause: unknown) {
    super(`SIGHTINGS_HELD: MISP did not take the sightings in time; the hits are left uncommitted (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'SightingsHeldError';
  }
}

/**
 * Hits → MISP sightings, one consumed batch of the hits topic at a time. Stages:
 *
 *   fold   hit records → one due sighting per (indicator, window) not already in the state
 *          (foldSightings); the rest counted as suppressed, unreadable hits as failed/invalid_hit
 *   batch  due sightings → /sightings/add requests, one window and at most batchSize values each
 *   send   each request, paced (ratePerSecond); MISP down (or the key refused) → hold and retry
 *          with backoff, nothing dropped, until holdMaxMs gives the batch back uncommitted (it is
 *          fetched again; what was sent is in the state and suppressed); a request MISP refuses
 *          for its content → skipped for good, counted by reason
 *   state  once MISP answered, the request's sightings are recorded (SightingsState) — sent or
 *          skipped — before the next request
 *
 * `handleBatch` resolves once every due sighting is recorded; the consumer commits only then.
 */
export class SightingsPipeline {
  private readonly stopping = new AbortController();
  private readonly pacer: RequestPacer;

  constructor(
    private readonly options: SightingsPipelineOptions,
    private readonly misp: Pick<MispClient, 'addSightings'>,
    private readonly state: SightingsState,
    private readonly producer: Pick<KafkaProducerPort, 'send'>,
    private readonly metrics: SightingsMetrics,
    private readonly log: SightingsLog,
    private readonly random: () => number = Math.random,
  ) {
    this.pacer = new RequestPacer(options.ratePerSecond);
  }

  stop(): void {
    this.stopping.abort();
  }

  async handleBatch(batch: KafkaConsumedBatch): Promise<void> {
    const fold = foldSightings(
      batch.messages.map((message) => message.value),
      this.options.windowMs,
      (id) => this.state.has(id),
    );
    this.metrics.hitsSuppressed(fold.suppressed);
    this.metrics.sightingsFailed('invalid_hit', fold.invalid.length);
    for (const reason of new Set(fold.invalid)) this.log.skipped('invalid_hit', reason, 0);
    for (const plan of batchSightings(fold.due, this.options.batchSize)) await this.send(plan);
  }

  private async send(plan: SightingRequestPlan): Promise<void> {
    const heldSince = Date.now();
    for (let attempt = 1; ; attempt++) {
      await sleep(this.pacer.take(Date.now()), this.stopping.signal);
      if (this.stopping.signal.aborted) throw new SightingsStoppedError();
      try {
        const reply = await this.misp.addSightings({ values: plan.values, timestamp: Math.floor(plan.windowStart / 1000), source: this.options.source });
        if (reply.kind === 'added') {
          await this.state.record(this.producer, plan.sightings, 'sent');
          this.metrics.sightingsSent(plan.sightings.length);
        } else {
          await this.state.record(this.producer, plan.sightings, 'skipped');
          this.metrics.sightingsFailed(reply.reason, plan.sightings.length);
          this.log.skipped(reply.reason, reply.detail, plan.values.length);
        }
        return;
      } catch (error) {
        if (isMispError(error, 'MISP_REJECTED')) {
          await this.state.record(this.producer, plan.sightings, 'skipped');
          this.metrics.sightingsFailed('rejected', plan.sightings.length);
          this.log.skipped('rejected', error.message, plan.values.length);
          return;
        }
        // MISP down, a broken reply, the key refused: nothing is lost, the request waits for MISP
        if (!isMispError(error)) throw error;
        this.metrics.retried(error.code);
        this.log.held(error, attempt);
        if (Date.now() - heldSince >= this.options.holdMaxMs) throw new SightingsHeldError(error);
        await sleep(backoffDelay(attempt, this.options.retryInitialMs, this.options.retryMaxMs, this.random()), this.stopping.signal);
        if (this.stopping.signal.aborted) throw new SightingsStoppedError();
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
