import type { AttributeContribution, IndicatorRecord } from '@iocflow/core';
import { capIndicatorRecord } from './cap-indicator-record';

const contribution = (n: number, info = 'i'): AttributeContribution => ({
  attributeUuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  mispType: 'domain',
  eventUuid: `e-${n}`,
  eventInfo: info,
  feeds: [`Feed-${n}`],
  tags: [],
  toIds: true,
  timestamp: 1000 + n,
});
const record = (attributes: AttributeContribution[]): IndicatorRecord => ({
  key: 'domain-evil.example',
  kind: 'domain',
  value: 'evil.example',
  feeds: attributes.flatMap((a) => a.feeds).sort(),
  attributes,
  updatedAt: '2025-01-01T00:00:00.000Z',
});

describe('capIndicatorRecord', () => {
  it('keeps a record that fits as it is', () => {
    const small = record([contribution(1), contribution(2)]);
    expect(capIndicatorRecord(small, 10_000)).toEqual({ record: small, omitted: 0 });
  });

  // Issue 11: one value in ~17 events with 64 KiB of event info each made a record the broker refused.
  it('keeps the most recent contributions that fit, counts the rest, and keeps every feed', () => {
    const big = record(Array.from({ length: 17 }, (_, n) => contribution(n, 'x'.repeat(64 * 1024))));
    const capped = capIndicatorRecord(big, 200_000);
    expect(Buffer.byteLength(JSON.stringify(capped.record))).toBeLessThanOrEqual(200_000);
    expect(capped.omitted).toBe(14);
    expect(capped.record.attributesOmitted).toBe(14);
    expect(capped.record.attributes.map((a) => a.timestamp)).toEqual([1014, 1015, 1016]);
    expect(capped.record.feeds).toEqual(big.feeds);
  });

  it('keeps one contribution even when it alone is over the limit (the other limits keep that far below it)', () => {
    const capped = capIndicatorRecord(record([contribution(1, 'x'.repeat(5000)), contribution(2, 'x'.repeat(5000))]), 100);
    expect(capped.record.attributes.map((a) => a.timestamp)).toEqual([1002]);
    expect(capped.omitted).toBe(1);
  });
});
