import { setTimeout as sleep } from 'node:timers/promises';
import {
  alertDocument,
  alertsIndexTemplate,
  backoffDelay,
  buildThreatHit,
  classifyBulkItem,
  encodeBulk,
  planRetroHunt,
  readHuntHits,
  retroHuntSearch,
  type HuntSearchHit,
  type IndexTarget,
  type IndicatorRecord,
  type LookupRule,
  type RetroHuntSearch,
  type ThreatHit,
} from '@iocflow/core';
import type { KafkaConsumedBatch } from '@iocflow/io';
import { HuntAbandonedError } from './hunt-abandoned.error';
import type { HunterMetrics } from './hunter.metrics';
import type { HitProducer, HunterConsumer, HuntElasticsearch, PipelineLogger } from './hunter-ports';
import { QueryBudget } from './query-budget';

export interface HunterPipelineOptions {
  /** The logs searched: `<prefix>-*` or the data stream (the indexer's target). */
  readonly logsPattern: string;
  readonly alertsTarget: IndexTarget;
  readonly hitsTopic: string;
  readonly rules: readonly LookupRule[];
  readonly parentDomains: boolean;
  readonly windowMs: number;
  readonly queriesPerSecond: number;
  readonly maxHitsPerIndicator: number;
  readonly searchDeadlineMs: number;
  readonly skipLiveMatched: boolean;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly shutdownTimeoutMs: number;
  readonly numberOfShards?: number;
  readonly numberOfReplicas?: number;
}

export interface HunterPipelineDependencies {
  readonly consumer: HunterConsumer;
  readonly producer: HitProducer;
  readonly elasticsearch: HuntElasticsearch;
  readonly metrics: HunterMetrics;
  readonly logger: PipelineLogger;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** How long past Elasticsearch's own `timeout` the client waits before aborting the request. */
const CLIENT_ABORT_GRACE_MS = 1000;

/** The parts of a `_search` answer the hunter reads. */
interface SearchAnswer {
  readonly timed_out?: boolean;
  readonly hits?: { readonly total?: { readonly value?: number; readonly relation?: string }; readonly hits?: readonly HuntSearchHit[] };
}

/**
 * misp-iocs → plan → budget → search → hits → (threat-hits ‖ alerts) → commit.
 *
 *  1. consume  A batch of the compacted indicator topic (one partition, in order; commit mode
 *              after-handler: its offsets are committed only when `handleBatch` resolved, so a
 *              crash anywhere below hunts the batch again — the ids below make that a rewrite).
 *  0. start    The alerts index template is installed (waiting for Elasticsearch), then the
 *              consumer joins its group.
 *  2. plan     `planRetroHunt`: every added or changed indicator once, as its latest record; a
 *              tombstone after a record of the same key cancels it (removed while queued: not
 *              hunted); removals, invalid records and superseded ones are counted as skipped.
 *  3. budget   Each search waits for its slot (RETRO_HUNT_QUERIES_PER_SECOND).
 *  4. search   `retroHuntSearch`: the fields the lookup rules name for the indicator's kind, exact
 *              and as parent domain, over the logs of the last RETRO_HUNT_WINDOW, the most recent
 *              RETRO_HUNT_MAX_HITS_PER_INDICATOR documents. Deadline: Elasticsearch's `timeout`
 *              (partial answer kept, counted deadline_exceeded), then a client abort one second
 *              later (indicator not hunted, counted, logged — never retried, so one pathological
 *              indicator cannot stall the topic). Other retriable failures (Elasticsearch down)
 *              are retried with backoff for as long as it takes; a refused search (4xx) is
 *              counted failed and the indicator is not hunted.
 *  5. hits     `readHuntHits` + `buildThreatHit`: one retrospective hit per document and matched
 *              field, its id (`threatHitKey`) fixed by the document's index and `_id`, the field
 *              and the indicator.
 *  6. emit     Both, until acknowledged: the hits to THREAT_HITS_TOPIC (key = hit id) and their
 *              alert documents to the alerts index at `_id` = hit id (`alertDocument`; the
 *              original documents are only read). A replay rewrites the same alert.
 *  7. commit   `handleBatch` resolves; the consumer commits the batch's offsets.
 *
 * Shutdown: stop() lets the batch in hand finish; after `shutdownTimeoutMs` it is abandoned
 * (waits, retries and searches aborted) and stays uncommitted, hunted again after the restart.
 */
export class HunterPipeline {
  private readonly abort = new AbortController();
  private readonly budget: QueryBudget;
  private readonly now: () => number;
  private readonly random: () => number;
  private started = false;
  private stopping = false;

  constructor(
    private readonly options: HunterPipelineOptions,
    private readonly deps: HunterPipelineDependencies,
  ) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.budget = new QueryBudget(options.queriesPerSecond);
  }

  get ready(): boolean {
    return this.started && !this.stopping;
  }

  async start(): Promise<void> {
    const { name, body } = alertsIndexTemplate(this.options.alertsTarget, { numberOfShards: this.options.numberOfShards, numberOfReplicas: this.options.numberOfReplicas });
    await this.untilDone('install the alerts index template', () => this.deps.elasticsearch.ensureIndexTemplate(name, body));
    await this.deps.consumer.run((batch) => this.handleBatch(batch));
    this.started = true;
    this.deps.logger.info('hunter started', { logs: this.options.logsPattern, alerts: this.options.alertsTarget, hitsTopic: this.options.hitsTopic, alertsTemplate: name });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = setTimeout(() => {
      this.deps.logger.warn('shutdown timeout: abandoning the hunt in hand uncommitted (it is hunted again after the restart)');
      this.abort.abort();
    }, this.options.shutdownTimeoutMs);
    try {
      await this.deps.consumer.stop();
    } finally {
      clearTimeout(deadline);
      this.abort.abort();
    }
    this.deps.logger.info('hunter stopped');
  }

  // 1. consume: resolving lets the consumer commit this batch.
  async handleBatch(batch: KafkaConsumedBatch): Promise<void> {
    const { metrics, logger } = this.deps;
    // 2. plan
    const plan = planRetroHunt(batch.messages.map((message) => ({ key: message.key?.toString('utf8'), value: message.value === null ? null : message.value.toString('utf8') })));
    metrics.skipped.inc({ reason: 'removed' }, plan.removed);
    metrics.skipped.inc({ reason: 'cancelled' }, plan.cancelled);
    metrics.skipped.inc({ reason: 'superseded' }, plan.superseded);
    metrics.skipped.inc({ reason: 'invalid' }, plan.invalid.length);
    if (plan.invalid.length > 0) logger.warn('ignored indicator records that cannot be read', { topic: batch.topic, partition: batch.partition, records: plan.invalid.length, first: { key: plan.invalid[0]?.key.slice(0, 80), detail: plan.invalid[0]?.detail } });

    try {
      for (const indicator of plan.indicators) await this.hunt(indicator);
    } catch (error) {
      if (this.abort.signal.aborted) throw new HuntAbandonedError(batch.topic, batch.partition);
      throw error;
    }

    // 7. commit
    const last = batch.messages.at(-1);
    if (last !== undefined) {
      const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
      metrics.consumerLag.set({ partition: String(batch.partition) }, Number(lag > 0n ? lag : 0n));
    }
  }

  private async hunt(indicator: IndicatorRecord): Promise<void> {
    const { metrics } = this.deps;
    const search = retroHuntSearch(indicator, this.options.rules, {
      sinceMs: this.now() - this.options.windowMs,
      maxHits: this.options.maxHitsPerIndicator,
      timeoutMs: this.options.searchDeadlineMs,
      skipLiveMatched: this.options.skipLiveMatched,
      parentDomains: this.options.parentDomains,
    });
    if (search === undefined) {
      metrics.skipped.inc({ reason: 'no_rule' });
      return;
    }
    metrics.indicators.inc();
    const answer = await this.search(indicator, search);
    if (answer === undefined) return;
    // 5. hits
    const hits = readHuntHits(answer.hits?.hits ?? [], search.clauses, indicator, this.now()).map(buildThreatHit);
    const total = answer.hits?.total;
    if (total !== undefined && (total.value ?? 0) > this.options.maxHitsPerIndicator) {
      metrics.truncated.inc();
      this.deps.logger.warn('retro-hunt truncated: more documents matched than RETRO_HUNT_MAX_HITS_PER_INDICATOR (the most recent were kept)', { key: indicator.key.slice(0, 80), kept: this.options.maxHitsPerIndicator });
    }
    if (hits.length === 0) return;
    // 6. emit
    await Promise.all([this.untilDone('produce hits', () => this.produce(hits)), this.indexAlerts(hits)]);
    metrics.hits.inc(hits.length);
  }

  // 3–4: one search within the budget and the deadline; undefined when the indicator is given up.
  private async search(indicator: IndicatorRecord, search: RetroHuntSearch): Promise<SearchAnswer | undefined> {
    const { metrics, logger, elasticsearch } = this.deps;
    for (let attempt = 0; ; attempt++) {
      await this.wait(this.budget.reserve(this.now()));
      const deadline = AbortSignal.timeout(this.options.searchDeadlineMs + CLIENT_ABORT_GRACE_MS);
      const endTimer = metrics.searchLatency.startTimer();
      try {
        const answer = await elasticsearch.search<SearchAnswer>(this.options.logsPattern, search.body, AbortSignal.any([deadline, this.abort.signal]));
        endTimer();
        if (answer.timed_out === true) {
          metrics.searches.inc({ outcome: 'partial' });
          metrics.deadlineExceeded.inc();
          logger.warn('retro-hunt search reached RETRO_HUNT_SEARCH_DEADLINE: the hits found so far are kept', { key: indicator.key.slice(0, 80) });
        } else {
          metrics.searches.inc({ outcome: 'ok' });
        }
        return answer;
      } catch (error) {
        endTimer();
        if (this.abort.signal.aborted) throw error;
        if (deadline.aborted) {
          metrics.searches.inc({ outcome: 'aborted' });
          metrics.deadlineExceeded.inc();
          logger.warn('retro-hunt search aborted at RETRO_HUNT_SEARCH_DEADLINE: indicator not hunted', { key: indicator.key.slice(0, 80) });
          return undefined;
        }
        metrics.searches.inc({ outcome: 'failed' });
        if (!isRetriable(error)) {
          logger.error('retro-hunt search refused: indicator not hunted', { key: indicator.key.slice(0, 80), error });
          return undefined;
        }
        logger.warn('retro-hunt search failed; retrying', { attempt, error });
        await this.backoff(attempt);
      }
    }
  }

  private async produce(hits: readonly ThreatHit[]): Promise<void> {
    await this.deps.producer.send(hits.map((hit) => ({ topic: this.options.hitsTopic, key: hit.iocflow.hit.id, value: JSON.stringify(hit) })));
  }

  // 6. the alert documents, until each is indexed, a duplicate or refused for good.
  private async indexAlerts(hits: readonly ThreatHit[]): Promise<void> {
    const { metrics, logger } = this.deps;
    let pending = hits.map((hit) => alertDocument(this.options.alertsTarget, hit));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await this.backoff(attempt - 1);
      let response;
      try {
        response = await this.deps.elasticsearch.bulk(encodeBulk(pending));
      } catch (error) {
        if (!isRetriable(error)) {
          metrics.alerts.inc({ outcome: 'rejected' }, pending.length);
          logger.error('alerts bulk refused as a whole', { documents: pending.length, error });
          return;
        }
        logger.warn('alerts bulk failed; retrying', { documents: pending.length, attempt, error });
        continue;
      }
      const retry: typeof pending = [];
      pending.forEach((document, i) => {
        const verdict = classifyBulkItem(response.items[i] ?? {});
        if (verdict.outcome === 'ok') metrics.alerts.inc({ outcome: 'indexed' });
        else if (verdict.outcome === 'duplicate') metrics.alerts.inc({ outcome: 'duplicate' });
        else if (verdict.outcome === 'retry') retry.push(document);
        else {
          metrics.alerts.inc({ outcome: 'rejected' });
          logger.error('alert document refused', { index: document.index, id: document.id, errorType: verdict.errorType, errorReason: verdict.errorReason });
        }
      });
      pending = retry;
    }
  }

  private async untilDone<T>(what: string, action: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        this.deps.logger.warn(`${what} failed; retrying`, { attempt, error });
        await this.backoff(attempt);
      }
    }
  }

  private async backoff(attempt: number): Promise<void> {
    await this.wait(backoffDelay(attempt + 1, this.options.retryInitialMs, this.options.retryMaxMs, this.random()));
  }

  private async wait(ms: number): Promise<void> {
    if (ms > 0) await sleep(ms, undefined, { signal: this.abort.signal });
    else if (this.abort.signal.aborted) throw this.abort.signal.reason;
  }
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}
