import { formatSyncSentinel, lookupKey, SYNC_SENTINEL_KEY, type AttributeContribution, type IndicatorRecord, type ObservableKind, type SourceSchedule } from '@iocflow/core';

/** One record of the indicator topic as the tests produce it: a key and a JSON value (null: a tombstone). */
export interface TopicRecord {
  readonly key: string;
  readonly value: string | null;
}

/** What misp-sync may record about the attribute beyond the basics (TLP, threat level, decay score, first/last seen). */
export type AttributeExtras = Partial<Pick<AttributeContribution, 'tlp' | 'threatLevel' | 'decayScore' | 'firstSeen' | 'lastSeen' | 'tags'>>;

/** An indicator as misp-sync publishes it on the IOC topic (one attribute of `eventInfo`). */
export function indicatorRecord(kind: ObservableKind, value: string, feeds: string[], eventInfo = 'Test event', extras: AttributeExtras = {}): { key: string; value: string } {
  const key = lookupKey(kind, value);
  const body: IndicatorRecord = {
    key,
    kind,
    value,
    feeds,
    updatedAt: '2025-05-01T00:00:00.000Z',
    attributes: [{ attributeUuid: `attr-${value}`, mispType: kind, eventUuid: 'event-uuid-1', eventInfo, feeds, tags: feeds, toIds: true, timestamp: 1_700_000_000, ...extras }],
  };
  return { key, value: JSON.stringify(body) };
}

/** misp-sync's freshness record: the sync sentinel with these sources, under its reserved key. */
export function freshnessRecord(sources: Record<string, SourceSchedule>): { key: string; value: string } {
  const oldest = Object.values(sources).map((source) => source.lastSuccessAt).sort()[0] ?? new Date(0).toISOString();
  return { key: SYNC_SENTINEL_KEY, value: formatSyncSentinel({ lastSuccessAt: oldest, indicatorCount: 1, sources }) };
}
