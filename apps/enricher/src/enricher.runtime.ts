import { backoffDelay } from '@iocflow/core';
import { DEFAULT_MAX_SEND_BYTES, KafkaAdmin, KafkaBatchConsumer, KafkaProducer, KafkaTopicReader, MemcachedClient, type IoLogger } from '@iocflow/io';
import { ConsumerHealth, RateLimitedLog, kafkaConnection, kafkaGroupSettings, kafkaProducerSettings, type ComponentLogger, type ServiceContext, type ServiceRuntime } from '@iocflow/nest';
import type { EnricherConfig } from './enricher.config';
import type { IndicatorLookup, StoreStatus } from './lookup/indicator-lookup';
import { IndicatorTopicFollower } from './lookup/indicator-topic-follower';
import { IpRangeSet, isIpRangeKey } from './lookup/ip-range-set';
import { MemcachedIndicatorLookup } from './lookup/memcached.lookup';
import { TableIndicatorLookup } from './lookup/table.lookup';
import { EnricherMetrics } from './metrics/enricher.metrics';
import { SourceFreshnessGauges } from './metrics/source-freshness-gauges';
import { DEFAULT_MAX_RECORD_BYTES, EnricherPipeline, type PipelineLog } from './pipeline/enricher.pipeline';
import { compileRules } from './pipeline/extract-observables';

const CLIENT_ID = 'iocflow-enricher';

/**
 * Opens and closes everything the enricher talks to, in order, around the pipeline:
 * start: lookup store (memcached connection + sentinel probe + the IP ranges followed from the
 *        IOC topic, or the table load, in the background) → output topics → producer → consumer
 *        group (batches start flowing; they hold until the store is usable);
 * stop:  abort holds → consumer stop (finishes the in-flight batch, commits, leaves the group)
 *        → producer flush/close → store close.
 * Every ENRICHER_PROBE_INTERVAL: the store is judged again, the per-source freshness gauges are
 * set, and a source that missed its schedule is logged by name (rate-limited).
 * Health: live while the consumer has not stopped for good; ready while the lookup store can
 * answer and the consumer is in its group (ConsumerHealth).
 * The enricher's composition root, framework-free (bootService in @iocflow/nest runs it; tests
 * construct it directly with a standaloneContext).
 */
export class EnricherRuntime implements ServiceRuntime {
  readonly metrics: EnricherMetrics;
  private lookup: IndicatorLookup | undefined;
  private memcached: MemcachedClient | undefined;
  private table: TableIndicatorLookup | undefined;
  private ranges: IpRangeSet | undefined;
  private producer: KafkaProducer | undefined;
  private consumer: KafkaBatchConsumer | undefined;
  private pipeline: EnricherPipeline | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly log: ComponentLogger;
  private readonly consumerHealth = new ConsumerHealth('kafka-consumer');
  /** Called when a component stopped for good (the consumer, after a non-retriable error): the service ends the process. */
  private readonly stoppedForGood: ServiceContext['stoppedForGood'];

  constructor(
    private readonly config: EnricherConfig,
    context: ServiceContext,
  ) {
    this.metrics = new EnricherMetrics(context.registry);
    this.log = context.logger.child('pipeline');
    this.stoppedForGood = context.stoppedForGood;
    this.consumerHealth.register(context.liveness, context.readiness);
    context.readiness.register({
      name: 'lookup-store',
      check: () => {
        const status = this.status();
        return status.reason === undefined ? { ready: status.usable } : { ready: status.usable, detail: status.reason };
      },
    });
  }

  /** Readiness: the lookup store can answer. */
  status(): StoreStatus {
    return this.lookup?.status() ?? { usable: false, reason: 'not started' };
  }

  async start(): Promise<void> {
    const config = this.config;
    const connection = { ...kafkaConnection(config, CLIENT_ID), logger: this.ioLogger() };
    this.lookup = config.ENRICHER_LOOKUP_MODE === 'memcached' ? this.startMemcached(connection) : this.startTable(connection);
    this.watchFreshness(this.lookup);

    const admin = new KafkaAdmin(connection);
    let maxRecordBytes: number;
    try {
      await admin.connect();
      const partitions = (await admin.fetchTopicOffsets(config.RAW_LOGS_TOPIC)).length;
      await admin.ensureTopics([
        { topic: config.ENRICHED_LOGS_TOPIC, partitions },
        { topic: config.deadLetterTopic, partitions },
        // the hits stream: a normal topic with a retention (a hit is an event, not a state)
        ...(config.THREAT_HITS_TOPIC === '' ? [] : [{ topic: config.THREAT_HITS_TOPIC, partitions, configEntries: { 'cleanup.policy': 'delete', 'retention.ms': String(config.THREAT_HITS_RETENTION) } }]),
      ]);
      maxRecordBytes = await this.recordLimit(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    // every send cut under the output topics' record limit as well as the default request size
    this.producer = new KafkaProducer({ ...connection, ...kafkaProducerSettings(config), maxSendBytes: Math.min(DEFAULT_MAX_SEND_BYTES, maxRecordBytes) });
    await this.producer.connect();
    this.pipeline = new EnricherPipeline(
      {
        enrichedTopic: config.ENRICHED_LOGS_TOPIC,
        deadLetterTopic: config.deadLetterTopic,
        rules: compileRules(config.lookupRules, config.ENRICHER_PARENT_DOMAINS),
        maxEventBytes: config.ENRICHER_MAX_EVENT_BYTES,
        maxDepth: config.ENRICHER_MAX_DEPTH,
        maxRecordBytes,
        maxEnrichments: config.ENRICHER_MAX_ENRICHMENTS,
        deadLetterMaxBytes: config.DEAD_LETTER_MAX_BYTES,
        maxObservablesPerEvent: config.ENRICHER_MAX_OBSERVABLES_PER_EVENT,
        onStoreUnavailable: config.ENRICHER_ON_STORE_UNAVAILABLE,
        retryInitialMs: config.ENRICHER_RETRY_INITIAL,
        retryMaxMs: config.ENRICHER_RETRY_MAX,
        holdMaxMs: config.ENRICHER_HOLD_MAX,
        ...(config.MISP_URL === undefined ? {} : { mispUrl: config.MISP_URL }),
        ...(config.THREAT_HITS_TOPIC === ''
          ? {}
          : { hits: { topic: config.THREAT_HITS_TOPIC, indexTarget: config.indexTarget, ...(config.ELASTICSEARCH_ID_FIELD ? { idField: config.ELASTICSEARCH_ID_FIELD } : {}) } }),
      },
      this.lookup,
      this.producer,
      this.metrics,
      this.pipelineLog(),
    );
    const pipeline = this.pipeline;
    this.consumer = new KafkaBatchConsumer({
      ...connection,
      ...kafkaGroupSettings(config),
      groupId: config.ENRICHER_GROUP_ID,
      topics: [config.RAW_LOGS_TOPIC],
      fromBeginning: true,
      partitionsConsumedConcurrently: config.ENRICHER_PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: config.ENRICHER_MAX_BYTES_PER_PARTITION,
      commitMode: config.ENRICHER_COMMIT_MODE,
      maxInFlightBatches: config.ENRICHER_MAX_IN_FLIGHT_BATCHES,
      listeners: {
        onPartitionsAssigned: (partitions) => this.log.info('partitions assigned', { partitions }),
        onPartitionsRevoked: (partitions) => this.log.info('partitions revoked', { partitions }),
        onGroupJoin: () => this.consumerHealth.joined(),
        onCrash: (error, restart) => {
          this.consumerHealth.crashed(error, restart);
          if (!restart) this.stoppedForGood('kafka-consumer', error);
        },
      },
    });
    await this.consumer.run((batch) => pipeline.handleBatch(batch));
    this.log.info('enricher started', { mode: config.ENRICHER_LOOKUP_MODE, rawTopic: config.RAW_LOGS_TOPIC, enrichedTopic: config.ENRICHED_LOGS_TOPIC, hitsTopic: config.THREAT_HITS_TOPIC || 'off', rules: config.lookupRules.length });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.pipeline?.stop();
    await this.consumer?.stop().catch((error: unknown) => this.log.warn('consumer stop failed', { error }));
    await this.producer?.disconnect().catch((error: unknown) => this.log.warn('producer disconnect failed', { error }));
    await this.table?.stop().catch(() => undefined);
    await this.ranges?.stop().catch(() => undefined);
    await this.memcached?.close();
    this.log.info('enricher stopped');
  }

  /**
   * The largest enriched record: what the enriched topic accepts (its max.message.bytes; a
   * record's counted size includes the batch header, see recordBytes), or ENRICHER_MAX_RECORD_BYTES
   * when that is set and lower, so that no enriched record is one the broker refuses. A topic
   * whose limit cannot be read leaves the configured value, or DEFAULT_MAX_RECORD_BYTES (the send
   * path still dead-letters a record the broker refuses alone).
   */
  private async recordLimit(admin: KafkaAdmin): Promise<number> {
    const configured = this.config.ENRICHER_MAX_RECORD_BYTES;
    const topicConfig: Record<string, string> = await admin.describeTopicConfig(this.config.ENRICHED_LOGS_TOPIC).catch(() => ({}));
    const topicLimit = Number(topicConfig['max.message.bytes']);
    if (!Number.isSafeInteger(topicLimit) || topicLimit <= 0) {
      this.log.warn('the enriched topic max.message.bytes could not be read', { topic: this.config.ENRICHED_LOGS_TOPIC, used: configured || DEFAULT_MAX_RECORD_BYTES });
      return configured || DEFAULT_MAX_RECORD_BYTES;
    }
    if (configured === 0 || configured <= topicLimit) return configured || topicLimit;
    this.log.warn('ENRICHER_MAX_RECORD_BYTES lowered to fit the enriched topic', { configured, topic: this.config.ENRICHED_LOGS_TOPIC, maxMessageBytes: topicLimit });
    return topicLimit;
  }

  private startMemcached(connection: ReturnType<typeof kafkaConnection>): IndicatorLookup {
    const config = this.config;
    this.memcached = new MemcachedClient({ servers: config.MEMCACHED_SERVERS, maxReplyBytes: config.MEMCACHED_MAX_REPLY_BYTES });
    const ranges = this.startIpRanges(connection);
    const lookup = new MemcachedIndicatorLookup(this.memcached, {
      maxStalenessMs: config.ENRICHER_MAX_STALENESS,
      cacheTtlMs: config.ENRICHER_CACHE_TTL,
      cacheMaxEntries: config.ENRICHER_CACHE_MAX_ENTRIES,
      ranges,
      rangesUnchecked: (count) => this.metrics.ipRangesUnchecked.inc(count),
    });
    const probe = async (): Promise<void> => {
      await lookup.probe();
    };
    void probe();
    this.every(config.ENRICHER_PROBE_INTERVAL, probe);
    return lookup;
  }

  /**
   * Memcached mode's IP ranges, followed from IOC_TOPIC (only range keys are parsed and kept).
   * Batches hold while the first read runs. If the topic cannot be read (missing, not authorised,
   * brokers down) the enricher says so, matches exact keys only and counts the addresses it could
   * not check (iocflow_enricher_ip_ranges_unchecked_total), and keeps trying with backoff.
   */
  private startIpRanges(connection: ReturnType<typeof kafkaConnection>): IpRangeSet {
    const config = this.config;
    if (config.ENRICHER_IP_RANGES === 'off') {
      const off = new IpRangeSet(undefined);
      this.log.warn('IP ranges are not matched in memcached mode (ENRICHER_IP_RANGES=off): addresses are looked up by exact key only; misses that a range could have matched are counted in iocflow_enricher_ip_ranges_unchecked_total');
      this.metrics.ipRangesFollowed.set(0);
      return off;
    }
    const invalid = new RateLimitedLog(10_000);
    const follower = new IndicatorTopicFollower(config.IOC_TOPIC, () => new KafkaTopicReader({ ...connection, groupIdPrefix: `${CLIENT_ID}-ranges` }), {
      keep: isIpRangeKey,
      events: {
        loaded: (ranges, records, seconds) => this.log.info('IP ranges loaded from the indicator topic', { topic: config.IOC_TOPIC, ranges, records, seconds }),
        invalidRecord: (key, reason, detail, offset) => {
          this.metrics.tableRecordsIgnored.inc({ reason });
          invalid.maybe((suppressed) => this.log.warn('ignored an indicator record that cannot be used (IP ranges)', { topic: config.IOC_TOPIC, key: key.slice(0, 80), offset, reason, detail, suppressed }));
        },
        readerFailed: (error) => this.log.warn('indicator topic reader failed (IP ranges)', { topic: config.IOC_TOPIC, error }),
      },
    });
    const ranges = new IpRangeSet(follower);
    this.ranges = ranges;
    // One retry loop at a time: the periodic reload must not stack loops while the topic stays unreadable.
    let looping = false;
    const loadUntilDone = async (): Promise<void> => {
      if (looping) return;
      looping = true;
      try {
        await loadWithRetries();
      } finally {
        looping = false;
      }
    };
    const loadWithRetries = async (): Promise<void> => {
      for (let attempt = 1; !this.stopped; attempt++) {
        if (await ranges.load()) {
          this.metrics.ipRangesFollowed.set(1);
          if (attempt > 1) this.log.info('IP ranges followed again from the indicator topic', { topic: config.IOC_TOPIC });
          return;
        }
        this.metrics.ipRangesFollowed.set(ranges.state === 'following' ? 1 : 0);
        if (attempt === 1 && ranges.state === 'unavailable') {
          this.log.error('cannot follow the indicator topic for IP ranges: addresses are looked up by exact key only until it can be read; misses are counted in iocflow_enricher_ip_ranges_unchecked_total', { topic: config.IOC_TOPIC, detail: ranges.detail });
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 1000, 60_000, Math.random())).unref());
      }
    };
    this.metrics.ipRangesFollowed.set(0);
    void loadUntilDone();
    if (config.ENRICHER_TABLE_RELOAD > 0) this.every(config.ENRICHER_TABLE_RELOAD, () => loadUntilDone());
    return ranges;
  }

  private startTable(connection: ReturnType<typeof kafkaConnection>): IndicatorLookup {
    const config = this.config;
    const invalid = new RateLimitedLog(10_000);
    const table = new TableIndicatorLookup(config.IOC_TOPIC, () => new KafkaTopicReader({ ...connection, groupIdPrefix: `${CLIENT_ID}-table` }), { maxStalenessMs: config.ENRICHER_MAX_STALENESS }, {
      loaded: (indicators, records, seconds) => {
        this.metrics.ipRangesFollowed.set(1);
        this.log.info('indicator table loaded and swapped in', { topic: config.IOC_TOPIC, indicators, records, seconds });
      },
      invalidRecord: (key, reason, detail, offset) => {
        this.metrics.tableRecordsIgnored.inc({ reason });
        invalid.maybe((suppressed) => this.log.warn('ignored an indicator record that cannot be used', { topic: config.IOC_TOPIC, key: key.slice(0, 80), offset, reason, detail, suppressed }));
      },
      readerFailed: (error) => this.log.warn('indicator topic reader failed', { error }),
    });
    this.table = table;
    // The first load retries until it succeeds; batches hold meanwhile (STORE_LOADING).
    const loadUntilDone = async (): Promise<void> => {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          await table.reload();
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 500, 30_000, Math.random())));
        }
      }
    };
    void loadUntilDone();
    if (config.ENRICHER_TABLE_RELOAD > 0) this.every(config.ENRICHER_TABLE_RELOAD, () => loadUntilDone());
    return table;
  }

  /**
   * Every ENRICHER_PROBE_INTERVAL (after the memcached probe, if any, has run): readiness's
   * verdict into `store_usable`, each misp-sync source into the per-source gauges, and a warning
   * naming the sources that missed their schedule (at most once a minute), plus a line when all
   * are back on schedule.
   */
  private watchFreshness(lookup: IndicatorLookup): void {
    const gauges = new SourceFreshnessGauges(this.metrics.sourceStale, this.metrics.sourceLastSuccess, this.metrics.sourceDue);
    const staleLog = new RateLimitedLog(60_000);
    let wasStale = false;
    this.every(this.config.ENRICHER_PROBE_INTERVAL, async () => {
      const status = lookup.status();
      this.metrics.storeUsable.set(status.usable ? 1 : 0);
      this.metrics.ipRanges.set(this.ranges?.table()?.rangeCount ?? this.table?.rangeCount ?? 0);
      const stale = gauges.update(lookup.freshness?.() ?? []);
      if (stale.length > 0) {
        wasStale = true;
        staleLog.maybe((suppressed) =>
          this.log.warn(this.config.ENRICHER_ON_STORE_UNAVAILABLE === 'hold' ? 'a misp-sync source missed its schedule: holding batches' : 'a misp-sync source missed its schedule: events pass as unknown', {
            sources: stale.map((source) => ({ source: source.source, state: source.state, lastSuccessAt: new Date(source.lastSuccessMs).toISOString(), intervalMs: source.intervalMs, dueAt: new Date(source.dueMs).toISOString() })),
            reason: status.reason,
            suppressed,
          }),
        );
      } else if (wasStale) {
        wasStale = false;
        this.log.info('every misp-sync source is back on schedule');
      }
    });
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => void task().catch(() => undefined), ms);
    timer.unref();
    this.timers.push(timer);
  }

  private pipelineLog(): PipelineLog {
    const unavailable = new RateLimitedLog(10_000);
    const dead = new RateLimitedLog(10_000);
    const uncovered = new RateLimitedLog(60_000);
    return {
      noObservables: (report, fields) =>
        uncovered.maybe((suppressed) =>
          this.log.warn('most events of a partition have none of the looked-up fields: counted as no_observable, not as misses (check ENRICHER_LOOKUP_RULES)', {
            stage: 'extract',
            topic: report.topic,
            partition: report.partition,
            events: report.events,
            noObservable: report.noObservable,
            seconds: Math.round(report.windowMs / 1000),
            fields: fields.length > 30 ? [...fields.slice(0, 30), `… ${fields.length - 30} more`] : fields,
            suppressed,
          }),
        ),
      storeUnavailable: (error, held) =>
        unavailable.maybe((suppressed) => this.log.warn(held ? 'lookup store unusable: holding the batch' : 'lookup store unusable: passing events as unknown', { stage: 'lookup', code: error.code, reason: error.message, suppressed })),
      deadLettered: (rejection, topic, partition, offset) =>
        dead.maybe((suppressed) => this.log.warn('record dead-lettered', { stage: rejection.stage, reason: rejection.reason, detail: rejection.message, topic, partition, offset, suppressed })),
    };
  }

  private ioLogger(): IoLogger {
    return {
      debug: (message, context) => this.log.debug(message, context),
      info: (message, context) => this.log.info(message, context),
      warn: (message, context) => this.log.warn(message, context),
      error: (message, context) => this.log.error(message, context),
    };
  }
}
