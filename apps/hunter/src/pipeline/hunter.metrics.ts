import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why an indicator of the topic was not searched. */
export type SkipReason = 'removed' | 'cancelled' | 'superseded' | 'invalid' | 'no_rule';
/** How one search ended: answered in full, answered partly at Elasticsearch's timeout, aborted by the client at the deadline, failed. */
export type SearchOutcome = 'ok' | 'partial' | 'aborted' | 'failed';

/** The hunter's metrics; every label set is a closed set. */
export class HunterMetrics {
  readonly indicators: Counter;
  readonly skipped: Counter<'reason'>;
  readonly searches: Counter<'outcome'>;
  readonly searchLatency: Histogram;
  readonly hits: Counter;
  readonly truncated: Counter;
  readonly deadlineExceeded: Counter;
  readonly alerts: Counter<'outcome'>;
  readonly consumerLag: Gauge<'partition'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.indicators = new Counter({ name: 'iocflow_hunter_indicators_total', help: 'Added or changed indicators hunted.', registers });
    this.skipped = new Counter({
      name: 'iocflow_hunter_skipped_total',
      help: 'Indicator-topic records not hunted, by reason (removed, cancelled: removed while queued, superseded by a later record, invalid, no_rule: no lookup rule reads the kind).',
      labelNames: ['reason'],
      registers,
    });
    this.searches = new Counter({ name: 'iocflow_hunter_searches_total', help: 'Retro-hunt searches, by outcome (ok, partial, aborted, failed).', labelNames: ['outcome'], registers });
    this.searchLatency = new Histogram({ name: 'iocflow_hunter_search_duration_seconds', help: 'Time of one retro-hunt search.', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.hits = new Counter({ name: 'iocflow_hunter_hits_total', help: 'Retrospective hits found and emitted (one per document and matched field).', registers });
    this.truncated = new Counter({ name: 'iocflow_hunter_truncated_total', help: 'Searches that matched more documents than RETRO_HUNT_MAX_HITS_PER_INDICATOR (the most recent were kept).', registers });
    this.deadlineExceeded = new Counter({
      name: 'iocflow_hunter_deadline_exceeded_total',
      help: 'Searches past RETRO_HUNT_SEARCH_DEADLINE: Elasticsearch timed out (partial hits kept) or the client aborted (indicator not hunted).',
      registers,
    });
    this.alerts = new Counter({ name: 'iocflow_hunter_alerts_total', help: 'Alert documents written, by outcome (indexed, duplicate, rejected).', labelNames: ['outcome'], registers });
    this.consumerLag = new Gauge({ name: 'iocflow_hunter_consumer_lag', help: 'Indicator-topic records behind the high-watermark after the last batch, per partition.', labelNames: ['partition'], registers });
  }
}
