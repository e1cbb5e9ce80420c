import type { AttributeContribution, IndicatorRecord } from '@iocflow/core';
import { jsonSizeBound } from './json-size-bound';

/**
 * The indicator-topic record of `record` within `maxBytes` (UTF-8 JSON): unchanged when it fits;
 * else its most recent contributions (by timestamp, then uuid) that fit, and `attributesOmitted`
 * counting the rest. `feeds` stays the union over every contribution, so a reader of the topic
 * (the enricher's table) still names every feed; misp-sync's own state keeps every contribution,
 * and after a restart from capped records it reconciles in full first (SyncPipeline.restore).
 *
 * At least one contribution is kept: the other limits bound a record with one contribution far
 * below the smallest allowed IOC_MAX_RECORD_BYTES (indicator-limits.ts, docs/reliability.md).
 */
export function capIndicatorRecord(record: IndicatorRecord, maxBytes: number): { readonly record: IndicatorRecord; readonly omitted: number } {
  // Nearly every record is far below the limit: known to fit without serialising it to measure it.
  if (jsonSizeBound(record) <= maxBytes) return { record, omitted: 0 };
  const whole = JSON.stringify(record);
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes) return { record, omitted: 0 };
  const newestFirst = [...record.attributes].sort(newer);
  // The record without contributions, as the capped record will serialise it (the count is an upper bound on its digits).
  const base = Buffer.byteLength(JSON.stringify({ ...record, attributes: [], attributesOmitted: record.attributes.length }), 'utf8');
  const kept: AttributeContribution[] = [];
  let bytes = base;
  for (const attribute of newestFirst) {
    const size = Buffer.byteLength(JSON.stringify(attribute), 'utf8') + (kept.length > 0 ? 1 : 0);
    if (kept.length > 0 && bytes + size > maxBytes) break;
    kept.push(attribute);
    bytes += size;
  }
  kept.sort(byUuid);
  const omitted = record.attributes.length - kept.length;
  return { record: { ...record, attributes: kept, attributesOmitted: omitted }, omitted };
}

function newer(a: AttributeContribution, b: AttributeContribution): number {
  return b.timestamp - a.timestamp || byUuid(a, b);
}

/** The order misp-sync keeps contributions in (withAttributes): by uuid. */
function byUuid(a: AttributeContribution, b: AttributeContribution): number {
  return a.attributeUuid < b.attributeUuid ? -1 : a.attributeUuid > b.attributeUuid ? 1 : 0;
}
