import type { SourceFreshness } from '@iocflow/core';
import type { Gauge } from 'prom-client';

/** Distinct source names given their own label value; any further one is reported as `other`. */
export const MAX_SOURCE_LABELS = 16;

/**
 * Sets the per-source gauges (`iocflow_enricher_source_stale{source}`,
 * `iocflow_enricher_source_last_success_timestamp_seconds{source}`,
 * `iocflow_enricher_source_due_timestamp_seconds{source}`) from the last freshness
 * verdict. Source names come from misp-sync's sentinel — a handful (`misp`, `feed:<name>`) — and
 * are capped at MAX_SOURCE_LABELS distinct values so that a misbehaving writer cannot grow the
 * label set. A source that leaves the sentinel leaves the gauges.
 */
export class SourceFreshnessGauges {
  private readonly known = new Set<string>();

  constructor(
    private readonly stale: Gauge<'source'>,
    private readonly lastSuccess: Gauge<'source'>,
    private readonly due: Gauge<'source'>,
  ) {}

  /** Update from `sources`; returns the stale ones (for the log). */
  update(sources: readonly SourceFreshness[]): SourceFreshness[] {
    this.stale.reset();
    this.lastSuccess.reset();
    this.due.reset();
    const staleOnes: SourceFreshness[] = [];
    const other = { stale: 0, lastSuccess: Number.POSITIVE_INFINITY, due: Number.POSITIVE_INFINITY };
    for (const source of sources) {
      const isStale = source.state === 'stale' || source.state === 'future';
      if (isStale) staleOnes.push(source);
      const label = this.label(source.source);
      if (label === undefined) {
        other.stale = Math.max(other.stale, isStale ? 1 : 0);
        other.lastSuccess = Math.min(other.lastSuccess, source.lastSuccessMs);
        other.due = Math.min(other.due, source.dueMs);
        continue;
      }
      this.stale.set({ source: label }, isStale ? 1 : 0);
      this.lastSuccess.set({ source: label }, source.lastSuccessMs / 1000);
      this.due.set({ source: label }, source.dueMs / 1000);
    }
    if (Number.isFinite(other.lastSuccess)) {
      this.stale.set({ source: 'other' }, other.stale);
      this.lastSuccess.set({ source: 'other' }, other.lastSuccess / 1000);
      this.due.set({ source: 'other' }, other.due / 1000);
    }
    return staleOnes;
  }

  private label(source: string): string | undefined {
    if (this.known.has(source)) return source;
    if (this.known.size >= MAX_SOURCE_LABELS) return undefined;
    this.known.add(source);
    return source;
  }
}
