import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { IndicatorRecord, ObservableKind } from '@iocflow/core';
import type { DeselectReason } from '../selection/attribute-selection';
import type { RefuseReason } from '../selection/indicator-guard';
import type { IndicatorLimit } from './indicator-limits';
import type { SkipStage } from './sync-stage';
import type { IndicatorChange } from './indicator-state';

export type SyncMode = 'full' | 'incremental' | 'notification' | 'feed';

/**
 * Why an attribute (or a feed entry, or a feed's event file) was not applied — a closed set, the
 * `reason` label of iocflow_misp_sync_attributes_skipped_total (beside `stage`, sync-stage.ts:
 * `invalid` and `event_file` at fetch, the others at normalise, `error` also at filter):
 *   invalid           not a usable attribute (no uuid, a timestamp out of range…) or feed line
 *   invalid_value     a supported type whose value is no observable (malformed, over its length
 *                     limit): applied as contributing nothing, reported
 *   future_timestamp  dated after now plus the clock-skew margin: not applied (it could never be
 *                     ordered against later changes), pulled again until its time has come
 *   event_file        a MISP-format feed's event file that cannot be read or is not an event:
 *                     its attributes stay as they were
 *   error             converting it threw (a bug its content triggers): contained to it
 */
export type SkipReason = 'invalid' | 'invalid_value' | 'future_timestamp' | 'event_file' | 'error';

/**
 * misp-sync's Prometheus metrics, fixed label sets only: `kind` and `feed` are bounded (observable
 * kinds; feed names are a handful of configured tags), never an indicator value.
 */
export class SyncMetrics {
  private readonly indicators: Gauge<'kind' | 'feed'>;
  private readonly changes: Counter<'change'>;
  private readonly duration: Histogram<'mode' | 'outcome'>;
  private readonly mispErrors: Counter<'code'>;
  private readonly feedErrors: Counter<'code'>;
  private readonly lastSuccess: Gauge;
  private readonly repairs: Counter<'reason'>;
  private readonly skipped: Counter<'source' | 'stage' | 'reason'>;
  private readonly limits: Counter<'limit'>;
  private readonly deselected: Counter<'source' | 'reason'>;
  private readonly refused: Counter<'source' | 'reason'>;
  private readonly expired: Counter<'kind'>;
  private readonly counts = new Map<string, number>();

  constructor(registry: Registry) {
    this.indicators = new Gauge({ name: 'iocflow_misp_sync_indicators', help: 'Lookup keys held, by observable kind and feed (a key with two feeds counts under both)', labelNames: ['kind', 'feed'], registers: [registry] });
    this.changes = new Counter({ name: 'iocflow_misp_sync_changes_total', help: 'Lookup keys added, updated or removed', labelNames: ['change'], registers: [registry] });
    this.duration = new Histogram({
      name: 'iocflow_misp_sync_duration_seconds',
      help: 'Duration of one sync run',
      labelNames: ['mode', 'outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    });
    this.mispErrors = new Counter({ name: 'iocflow_misp_sync_misp_errors_total', help: 'Failed MISP requests (each retry counts), by error code', labelNames: ['code'], registers: [registry] });
    this.feedErrors = new Counter({ name: 'iocflow_misp_sync_feed_errors_total', help: 'Failed feed reads (each retry counts), by error code', labelNames: ['code'], registers: [registry] });
    this.lastSuccess = new Gauge({ name: 'iocflow_misp_sync_last_success_timestamp_seconds', help: 'Unix time of the last successful sync', registers: [registry] });
    this.repairs = new Counter({ name: 'iocflow_misp_sync_store_repairs_total', help: 'memcached repopulations, by the reason detected', labelNames: ['reason'], registers: [registry] });
    this.skipped = new Counter({
      name: 'iocflow_misp_sync_attributes_skipped_total',
      help: 'Attributes (and feed entries or event files) not applied or not usable, by source (misp, feed:<name>), the stage that skipped them (fetch, normalise, filter) and reason',
      labelNames: ['source', 'stage', 'reason'],
      registers: [registry],
    });
    this.limits = new Counter({ name: 'iocflow_misp_sync_limits_applied_total', help: 'Attributes or indicators a size limit cut, by limit', labelNames: ['limit'], registers: [registry] });
    this.deselected = new Counter({
      name: 'iocflow_misp_sync_attributes_deselected_total',
      help: 'Attributes the selection did not take (each time a source returned them), by source and reason',
      labelNames: ['source', 'reason'],
      registers: [registry],
    });
    this.refused = new Counter({
      name: 'iocflow_misp_sync_indicators_refused_total',
      help: 'Observables refused as over-broad, warninglisted, allowlisted or already expired (each time a source returned them), by source and reason',
      labelNames: ['source', 'reason'],
      registers: [registry],
    });
    this.expired = new Counter({ name: 'iocflow_misp_sync_indicators_expired_total', help: 'Contributions removed or left out past their kind\'s maximum age, by kind', labelNames: ['kind'], registers: [registry] });
  }

  /** Recount from scratch (after restoring the state). */
  reset(records: Iterable<IndicatorRecord>): void {
    this.counts.clear();
    this.indicators.reset();
    for (const record of records) this.count(record, 1);
    this.flush();
  }

  recordChanges(changes: readonly IndicatorChange[], added: number, updated: number, removed: number): void {
    for (const change of changes) {
      if (change.before !== undefined) this.count(change.before, -1);
      if (change.after !== undefined) this.count(change.after, 1);
    }
    this.flush();
    if (added > 0) this.changes.inc({ change: 'added' }, added);
    if (updated > 0) this.changes.inc({ change: 'updated' }, updated);
    if (removed > 0) this.changes.inc({ change: 'removed' }, removed);
  }

  syncFinished(mode: SyncMode, seconds: number, ok: boolean, finishedAtMs: number): void {
    this.duration.observe({ mode, outcome: ok ? 'success' : 'failure' }, seconds);
    if (ok) this.lastSuccess.set(finishedAtMs / 1000);
  }

  mispError(code: string): void {
    this.mispErrors.inc({ code });
  }

  feedError(code: string): void {
    this.feedErrors.inc({ code });
  }

  storeRepaired(reason: string): void {
    this.repairs.inc({ reason });
  }

  attributeSkipped(source: string, stage: SkipStage, reason: SkipReason, count = 1): void {
    this.skipped.inc({ source, stage, reason }, count);
  }

  attributesDeselected(source: string, reason: DeselectReason, count = 1): void {
    this.deselected.inc({ source, reason }, count);
  }

  /** `expired`: an observable already past its kind's maximum age when its source returned it. */
  indicatorsRefused(source: string, reason: RefuseReason | 'expired', count = 1): void {
    this.refused.inc({ source, reason }, count);
  }

  indicatorsExpired(kind: ObservableKind, count = 1): void {
    this.expired.inc({ kind }, count);
  }

  limitApplied(limit: IndicatorLimit, count = 1): void {
    this.limits.inc({ limit }, count);
  }

  private count(record: IndicatorRecord, delta: number): void {
    for (const feed of record.feeds) {
      const label = `${record.kind}\u0000${feed}`;
      this.counts.set(label, (this.counts.get(label) ?? 0) + delta);
    }
  }

  private flush(): void {
    for (const [label, value] of this.counts) {
      const [kind = '', feed = ''] = label.split('\u0000');
      if (value <= 0) {
        this.counts.delete(label);
        this.indicators.remove({ kind, feed });
      } else {
        this.indicators.set({ kind, feed }, value);
      }
    }
  }
}
