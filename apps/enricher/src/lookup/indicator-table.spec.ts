import { lookupKey, type IndicatorRecord, type ObservableKind } from '@iocflow/core';
import { IndicatorTable } from './indicator-table';

function record(kind: ObservableKind, value: string, feeds: string[], eventInfo = 'event'): IndicatorRecord {
  return {
    key: lookupKey(kind, value),
    kind,
    value,
    feeds,
    updatedAt: '2025-01-01T00:00:00.000Z',
    attributes: [
      { attributeUuid: 'old', mispType: kind, eventUuid: 'e-old', eventInfo: 'older', feeds, tags: [], toIds: true, timestamp: 1 },
      { attributeUuid: 'new', mispType: kind, eventUuid: 'e-new', eventInfo, feeds, tags: [], toIds: true, timestamp: 2 },
    ],
  };
}

function tableOf(...records: IndicatorRecord[]): IndicatorTable {
  const table = new IndicatorTable();
  for (const r of records) expect(table.apply(r.key, r)).toBe(true);
  return table;
}

describe('IndicatorTable', () => {
  it('matches exact values and parent domains on label boundaries only', () => {
    const table = tableOf(record('domain', 'evil.com', ['Feed-A']), record('domain', 'b.evil.com', ['Feed-B']));
    expect(table.lookup({ kind: 'domain', value: 'a.b.evil.com', parents: true })?.indicator).toBe('b.evil.com');
    expect(table.lookup({ kind: 'domain', value: 'x.evil.com', parents: true })?.indicator).toBe('evil.com');
    expect(table.lookup({ kind: 'domain', value: 'x.evil.com', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'domain', value: 'notevil.com', parents: true })).toBeUndefined();
  });

  it('matches IP ranges by longest prefix, exact addresses first, IPv4 and IPv6', () => {
    const table = tableOf(
      record('ip', '10.0.0.0/8', ['Wide']),
      record('ip', '10.1.0.0/16', ['Narrow']),
      record('ip', '10.1.2.3', ['Exact']),
      record('ip', '2001:db8::/32', ['V6']),
    );
    expect(table.lookup({ kind: 'ip', value: '10.1.2.3', parents: false })?.feeds).toEqual(['Exact']);
    expect(table.lookup({ kind: 'ip', value: '10.1.9.9', parents: false })).toMatchObject({ indicator: '10.1.0.0/16', feeds: ['Narrow'] });
    expect(table.lookup({ kind: 'ip', value: '10.200.0.1', parents: false })?.indicator).toBe('10.0.0.0/8');
    expect(table.lookup({ kind: 'ip', value: '11.0.0.1', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'ip', value: '2001:db8::42', parents: false })?.feeds).toEqual(['V6']);
  });

  it('removes exact indicators and ranges on a tombstone, and replaces on a newer record', () => {
    const range = record('ip', '10.0.0.0/8', ['Wide']);
    const domain = record('domain', 'evil.com', ['Feed-A']);
    const table = tableOf(range, domain);
    table.apply(domain.key, record('domain', 'evil.com', ['Feed-Z']));
    expect(table.lookup({ kind: 'domain', value: 'evil.com', parents: false })?.feeds).toEqual(['Feed-Z']);
    table.apply(range.key, null);
    table.apply(domain.key, null);
    expect(table.lookup({ kind: 'ip', value: '10.1.2.3', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'domain', value: 'evil.com', parents: false })).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('keeps the most recent attribute as the event reference', () => {
    const table = tableOf(record('sha256', 'ab'.repeat(32), ['F'], 'Ransomware'));
    expect(table.lookup({ kind: 'sha256', value: 'ab'.repeat(32), parents: false })?.source).toEqual({ eventUuid: 'e-new', eventInfo: 'Ransomware', attributeUuid: 'new' });
  });

  it('ignores records that are not indicator records', () => {
    const table = new IndicatorTable();
    expect(table.apply('x', { kind: 'nope', value: 'x', feeds: [] } as unknown as IndicatorRecord)).toBe(false);
    expect(table.apply('ip-x/8', { kind: 'ip', value: 'x/8', feeds: [] } as unknown as IndicatorRecord)).toBe(false);
    expect(table.size).toBe(0);
  });
});
