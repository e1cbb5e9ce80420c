import { parseIndicatorRecord } from './parse-indicator-record';

const record = {
  key: 'domain-evil.example',
  kind: 'domain',
  value: 'evil.example',
  feeds: ['Feed-A'],
  attributes: [{ attributeUuid: 'u', mispType: 'domain', eventUuid: 'e', eventInfo: 'i', feeds: ['Feed-A'], tags: [], toIds: true, timestamp: 1 }],
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('parseIndicatorRecord', () => {
  it('accepts what misp-sync writes', () => {
    expect(parseIndicatorRecord(record.key, JSON.stringify(record))).toEqual(record);
  });

  it.each([
    ['not JSON', 'nope'],
    ['another key', JSON.stringify({ ...record, key: 'domain-other.example' })],
    ['an unknown kind', JSON.stringify({ ...record, kind: 'regkey' })],
    ['no attributes', JSON.stringify({ ...record, attributes: [] })],
    ['an attribute without uuid', JSON.stringify({ ...record, attributes: [{ timestamp: 1, feeds: [] }] })],
    ['feeds not strings', JSON.stringify({ ...record, feeds: [1] })],
  ])('rejects %s', (_name, value) => {
    expect(parseIndicatorRecord(record.key, value)).toBeUndefined();
  });
});
