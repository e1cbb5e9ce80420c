import { formatFeeds, seedCompatKey, type IndicatorRecord } from '@iocflow/core';

/**
 * The memcached entries of one indicator record: `<kind>-<value>` → feeds (comma-joined, sorted),
 * plus, with `seedCompat`, the seed script's `<MISP type>-<value>` keys (`ip-dst-1.2.3.4`) with the
 * feeds of the attributes of that type. Compat keys are written only for single-value MISP types
 * (the seed never pulled composite types such as `domain|ip`) and use the normalised value.
 * Written into `into` when given (a batch's entries, without a map per record).
 */
export function storeEntries(record: IndicatorRecord, seedCompat: boolean, into = new Map<string, string>()): Map<string, string> {
  const entries = into.set(record.key, formatFeeds(record.feeds));
  if (!seedCompat) return entries;
  const feedsByType = new Map<string, string[]>();
  for (const attribute of record.attributes) {
    if (attribute.mispType.includes('|')) continue;
    const feeds = feedsByType.get(attribute.mispType) ?? [];
    feeds.push(...attribute.feeds);
    feedsByType.set(attribute.mispType, feeds);
  }
  for (const [mispType, feeds] of feedsByType) {
    const key = seedCompatKey(mispType, record.value);
    if (key !== record.key) entries.set(key, formatFeeds(feeds));
  }
  return entries;
}
