import type { SourceFreshness } from '@iocflow/core';
import { Registry } from 'prom-client';
import { EnricherMetrics } from './enricher.metrics';
import { MAX_SOURCE_LABELS, SourceFreshnessGauges } from './source-freshness-gauges';

const source = (name: string, state: SourceFreshness['state'], lastSuccessMs = 1_700_000_000_000): SourceFreshness => ({ source: name, lastSuccessMs, intervalMs: 60_000, dueMs: lastSuccessMs + 1, state });

async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Object.fromEntries(((metric?.values ?? []) as { value: number; labels: { source?: string } }[]).map((v) => [v.labels.source ?? '', v.value]));
}

describe('SourceFreshnessGauges', () => {
  it('sets one stale flag and last success per source and returns the stale ones', async () => {
    const registry = new Registry();
    const metrics = new EnricherMetrics(registry);
    const gauges = new SourceFreshnessGauges(metrics.sourceStale, metrics.sourceLastSuccess, metrics.sourceDue);
    const stale = gauges.update([source('misp', 'fresh'), source('feed:X', 'stale', 1_699_000_000_000), source('feed:Y', 'running'), source('feed:Z', 'future')]);
    expect(stale.map((s) => s.source)).toEqual(['feed:X', 'feed:Z']);
    expect(await values(registry, 'iocflow_enricher_source_stale')).toEqual({ misp: 0, 'feed:X': 1, 'feed:Y': 0, 'feed:Z': 1 });
    expect((await values(registry, 'iocflow_enricher_source_last_success_timestamp_seconds'))['feed:X']).toBe(1_699_000_000);
    expect((await values(registry, 'iocflow_enricher_source_due_timestamp_seconds'))['feed:X']).toBe(1_699_000_000.001);
    // A source that left the sentinel leaves the gauges.
    gauges.update([source('misp', 'fresh')]);
    expect(await values(registry, 'iocflow_enricher_source_stale')).toEqual({ misp: 0 });
  });

  it('caps the label values: sources beyond the first MAX_SOURCE_LABELS are reported together as `other`', async () => {
    const registry = new Registry();
    const metrics = new EnricherMetrics(registry);
    const gauges = new SourceFreshnessGauges(metrics.sourceStale, metrics.sourceLastSuccess, metrics.sourceDue);
    const many = Array.from({ length: MAX_SOURCE_LABELS + 3 }, (_, i) => source(`feed:${i}`, i === MAX_SOURCE_LABELS + 1 ? 'stale' : 'fresh'));
    gauges.update(many);
    const stale = await values(registry, 'iocflow_enricher_source_stale');
    expect(Object.keys(stale)).toHaveLength(MAX_SOURCE_LABELS + 1);
    expect(stale['other']).toBe(1);
  });
});
