import { isObservableKind, type IndicatorRecord } from '@iocflow/core';

/**
 * One value of the indicator topic as misp-sync wrote it, or undefined when it is not one (a
 * record from another producer, a truncated value). Only the fields the state depends on are
 * checked; the contributions are kept as written.
 */
export function parseIndicatorRecord(key: string, value: string): IndicatorRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Partial<Record<keyof IndicatorRecord, unknown>>;
  if (record.key !== key || typeof record.kind !== 'string' || !isObservableKind(record.kind) || typeof record.value !== 'string') return undefined;
  if (!Array.isArray(record.feeds) || !record.feeds.every((feed) => typeof feed === 'string')) return undefined;
  if (!Array.isArray(record.attributes) || record.attributes.length === 0) return undefined;
  for (const attribute of record.attributes as unknown[]) {
    if (typeof attribute !== 'object' || attribute === null) return undefined;
    const { attributeUuid, timestamp, feeds } = attribute as Record<string, unknown>;
    if (typeof attributeUuid !== 'string' || typeof timestamp !== 'number' || !Array.isArray(feeds)) return undefined;
  }
  return parsed as IndicatorRecord;
}
