import { CidrTable, DEFAULT_FEED_FALLBACK, isObservableKind, lookupKey, normaliseIp, type IndicatorRecord } from '@iocflow/core';
import { candidateValues } from '../pipeline/candidate-values';
import type { IndicatorMatch, LookupQuery } from './indicator-lookup';

/**
 * The in-memory indicator index of table mode, built from the compacted indicator topic:
 * one exact map keyed by lookup key (every kind), plus a longest-prefix table for IP ranges.
 * Only what an enrichment needs is kept per indicator (not every contributing attribute), which
 * keeps a million indicators well inside the memory budget.
 *
 * Mutated by `apply` in record order; a full reload builds a new table and swaps the reference
 * (see TableIndicatorLookup), so readers never see a half-built index.
 */
export class IndicatorTable {
  private readonly exact = new Map<string, IndicatorMatch>();
  private readonly ranges = new CidrTable<IndicatorMatch>();
  /** Range keys → canonical range, so that a tombstone (which carries only the key) can remove a range. */
  private readonly rangeKeys = new Map<string, string>();

  get size(): number {
    return this.exact.size + this.ranges.size;
  }

  /**
   * Apply one topic record: a value adds or replaces the indicator under `key`, null (a tombstone)
   * removes it. Returns false for a value that is not a usable IndicatorRecord (it is ignored).
   */
  apply(key: string, record: IndicatorRecord | null): boolean {
    this.remove(key);
    if (record === null) return true;
    if (!isUsableRecord(record)) return false;
    const latest = latestAttribute(record);
    const match: IndicatorMatch = {
      kind: record.kind,
      indicator: record.value,
      feeds: record.feeds.length > 0 ? [...record.feeds] : [DEFAULT_FEED_FALLBACK],
      modifiedAt: record.updatedAt,
      ...(latest === undefined
        ? {}
        : {
            source: {
              eventUuid: latest.eventUuid,
              eventInfo: latest.eventInfo,
              attributeUuid: latest.attributeUuid,
              ...(latest.firstSeen === undefined ? {} : { firstSeen: latest.firstSeen }),
              ...(latest.lastSeen === undefined ? {} : { lastSeen: latest.lastSeen }),
            },
          }),
    };
    if (record.kind === 'ip' && record.value.includes('/')) {
      const range = normaliseIp(record.value);
      if (range === undefined || !this.ranges.set(range, { ...match, indicator: range })) return false;
      this.rangeKeys.set(key, range);
    } else {
      this.exact.set(key, match);
    }
    return true;
  }

  /** The most specific indicator for a query: exact value, then parent domains, then the longest containing range. */
  lookup(query: LookupQuery): IndicatorMatch | undefined {
    for (const value of candidateValues(query)) {
      const match = this.exact.get(lookupKey(query.kind, value));
      if (match !== undefined) return match;
    }
    if (query.kind === 'ip' && this.ranges.size > 0) return this.ranges.lookup(query.value);
    return undefined;
  }

  private remove(key: string): void {
    if (this.exact.delete(key)) return;
    const range = this.rangeKeys.get(key);
    if (range !== undefined) {
      this.ranges.delete(range);
      this.rangeKeys.delete(key);
    }
  }
}

function isUsableRecord(record: IndicatorRecord): boolean {
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.kind === 'string' &&
    isObservableKind(record.kind) &&
    typeof record.value === 'string' &&
    record.value.length > 0 &&
    Array.isArray(record.feeds) &&
    record.feeds.every((feed) => typeof feed === 'string')
  );
}

function latestAttribute(record: IndicatorRecord): IndicatorRecord['attributes'][number] | undefined {
  if (!Array.isArray(record.attributes)) return undefined;
  let latest: IndicatorRecord['attributes'][number] | undefined;
  for (const attribute of record.attributes) if (latest === undefined || attribute.timestamp > latest.timestamp) latest = attribute;
  return latest;
}
