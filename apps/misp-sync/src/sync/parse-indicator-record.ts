import { readIndicatorRecord, type IndicatorRecord } from '@iocflow/core';

/**
 * One value of the indicator topic as misp-sync wrote it, or undefined when it is not one (a
 * record from another producer, a truncated or hostile value): core's `readIndicatorRecord`
 * checks every field the state reads, and misp-sync never writes a record without attributes.
 */
export function parseIndicatorRecord(key: string, value: string): IndicatorRecord | undefined {
  const read = readIndicatorRecord(key, value);
  return read.ok && read.record.attributes.length > 0 ? read.record : undefined;
}
