import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeadLetterReason } from '../pipeline/dead-letter-reason';
import type { EnricherStage } from '../pipeline/enricher-stage';

/**
 * What an enriched event says: `hit`; `miss` (`none`); `unknown` (the store could not answer,
 * pass-unknown mode); `no_observable` (none of the looked-up fields held a value to look up:
 * nothing was checked, which is no miss); `unchecked` (more observables than
 * ENRICHER_MAX_OBSERVABLES_PER_EVENT and no hit among those looked up: `misp_src` says `unknown`,
 * never `none`).
 */
export const EVENT_OUTCOMES = ['hit', 'miss', 'unknown', 'no_observable', 'unchecked'] as const;

export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

/**
 * The enricher's Prometheus metrics, fixed label names only. Label values are bounded: outcome
 * reason and stage are closed sets, `field` is a configured rule field, `feed` a feed name (a handful
 * of MISP tags), `partition` a partition number, `source` a misp-sync source name (`misp`,
 * `feed:<name>`: a handful, capped by SourceFreshnessGauges). Never an observable value.
 *
 * Reconciliation: events_in_total = sum(events_out_total) + sum(dead_letters_total), once every
 * in-flight batch has finished (a held batch is counted in when it is finally handled).
 */
export class EnricherMetrics {
  readonly eventsIn: Counter;
  readonly eventsOut: Counter<'outcome'>;
  readonly deadLetters: Counter<'stage' | 'reason'>;
  readonly hits: Counter<'feed' | 'field'>;
  /** Hit records produced to THREAT_HITS_TOPIC (acknowledged). */
  readonly hitRecords: Counter;
  /** Hit records left out, by reason (`refused`: the broker refused the record alone). */
  readonly hitRecordsDropped: Counter<'reason'>;
  readonly observablesUnchecked: Counter;
  readonly tableRecordsIgnored: Counter<'reason'>;
  readonly batchSize: Histogram;
  readonly lookupSeconds: Histogram;
  readonly lookupKeys: Histogram;
  readonly storeHolds: Counter<'code'>;
  readonly storeUsable: Gauge;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly batchSeconds: Histogram;
  readonly sourceStale: Gauge<'source'>;
  readonly sourceLastSuccess: Gauge<'source'>;
  readonly sourceDue: Gauge<'source'>;
  readonly ipRangesFollowed: Gauge;
  readonly ipRanges: Gauge;
  readonly ipRangesUnchecked: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsIn = new Counter({ name: 'iocflow_enricher_events_in_total', help: 'Records taken from the raw-logs topic and handled', registers });
    this.eventsOut = new Counter({ name: 'iocflow_enricher_events_out_total', help: 'Events produced to enriched-logs, by outcome (hit, miss, unknown, no_observable, unchecked)', labelNames: ['outcome'], registers });
    this.observablesUnchecked = new Counter({
      name: 'iocflow_enricher_observables_unchecked_total',
      help: 'Observables not looked up because their event had more than ENRICHER_MAX_OBSERVABLES_PER_EVENT',
      registers,
    });
    this.tableRecordsIgnored = new Counter({ name: 'iocflow_enricher_table_records_ignored_total', help: 'Indicator-topic records the in-process table skipped, by reason (table mode: every record; memcached mode: the IP-range records)', labelNames: ['reason'], registers });
    this.deadLetters = new Counter({ name: 'iocflow_enricher_dead_letters_total', help: 'Records sent to the dead-letter topic, by the stage that rejected them (parse, extract, apply, produce) and reason', labelNames: ['stage', 'reason'], registers });
    this.hits = new Counter({ name: 'iocflow_enricher_hits_total', help: 'Matched field values, by feed and event field', labelNames: ['feed', 'field'], registers });
    this.hitRecords = new Counter({ name: 'iocflow_enricher_hit_records_total', help: 'Hit records produced to the hits topic (THREAT_HITS_TOPIC), one per match, counted once acknowledged', registers });
    this.hitRecordsDropped = new Counter({ name: 'iocflow_enricher_hit_records_dropped_total', help: 'Hit records left out of the hits topic, by reason (refused: the broker refused the record alone)', labelNames: ['reason'], registers });
    this.batchSize = new Histogram({ name: 'iocflow_enricher_batch_size', help: 'Records per consumed batch', buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000], registers });
    this.lookupSeconds = new Histogram({
      name: 'iocflow_enricher_lookup_duration_seconds',
      help: 'Time to resolve one batch against the lookup store (one multi-get in memcached mode)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.lookupKeys = new Histogram({ name: 'iocflow_enricher_lookup_queries', help: 'Distinct queries per batch lookup', buckets: [0, 1, 10, 50, 100, 500, 1000, 5000], registers });
    this.storeHolds = new Counter({ name: 'iocflow_enricher_store_unavailable_total', help: 'Batch lookups refused because the store was unusable, by code', labelNames: ['code'], registers });
    this.storeUsable = new Gauge({ name: 'iocflow_enricher_store_usable', help: '1 when the lookup store can answer (fresh sentinel / table loaded), else 0', registers });
    this.consumerLag = new Gauge({ name: 'iocflow_enricher_consumer_lag', help: 'Records behind the high-watermark after the last handled batch', labelNames: ['topic', 'partition'], registers });
    this.batchSeconds = new Histogram({ name: 'iocflow_enricher_batch_duration_seconds', help: 'Time from receiving a batch to its output being acknowledged', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30], registers });
    this.sourceStale = new Gauge({ name: 'iocflow_enricher_source_stale', help: '1 when a misp-sync source missed its schedule (last success + its poll interval + ENRICHER_MAX_STALENESS), else 0', labelNames: ['source'], registers });
    this.sourceLastSuccess = new Gauge({ name: 'iocflow_enricher_source_last_success_timestamp_seconds', help: "A misp-sync source's last successful run, as its sync sentinel says", labelNames: ['source'], registers });
    this.sourceDue = new Gauge({ name: 'iocflow_enricher_source_due_timestamp_seconds', help: 'When a misp-sync source becomes stale unless it succeeds (or a run in progress makes progress) before: last success + its poll interval + ENRICHER_MAX_STALENESS', labelNames: ['source'], registers });
    this.ipRangesFollowed = new Gauge({ name: 'iocflow_enricher_ip_ranges_followed', help: 'IP ranges matched: 1 while followed from the IOC topic (memcached mode) or once the table is loaded (table mode); 0 while not (off, loading or unreadable)', registers });
    this.ipRanges = new Gauge({ name: 'iocflow_enricher_ip_ranges', help: 'IP range indicators held in process (memcached mode: followed from the IOC topic)', registers });
    this.ipRangesUnchecked = new Counter({ name: 'iocflow_enricher_ip_ranges_unchecked_total', help: 'Memcached mode: addresses that missed their exact key and could not be checked against IP ranges (not followed)', registers });
  }

  deadLettered(stage: EnricherStage, reason: DeadLetterReason): void {
    this.deadLetters.inc({ stage, reason });
  }
}
