import { ORIGIN_HEADERS, originHeaders, readOrigin } from './record-headers';

describe('origin headers', () => {
  it('round-trip through Kafka header values (Buffers)', () => {
    const headers = Object.fromEntries(Object.entries(originHeaders({ topic: 'raw-logs', partition: 7, offset: '9007199254740993' })).map(([k, v]) => [k, Buffer.from(v)]));
    expect(readOrigin(headers)).toEqual({ topic: 'raw-logs', partition: 7, offset: '9007199254740993' });
  });

  it.each([
    ['missing offset', { [ORIGIN_HEADERS.topic]: 'raw-logs', [ORIGIN_HEADERS.partition]: '0' }],
    ['bad topic', { [ORIGIN_HEADERS.topic]: 'raw logs', [ORIGIN_HEADERS.partition]: '0', [ORIGIN_HEADERS.offset]: '1' }],
    ['negative partition', { [ORIGIN_HEADERS.topic]: 'raw-logs', [ORIGIN_HEADERS.partition]: '-1', [ORIGIN_HEADERS.offset]: '1' }],
    ['offset with text', { [ORIGIN_HEADERS.topic]: 'raw-logs', [ORIGIN_HEADERS.partition]: '0', [ORIGIN_HEADERS.offset]: '1\r\nx' }],
    ['partition too large', { [ORIGIN_HEADERS.topic]: 'raw-logs', [ORIGIN_HEADERS.partition]: '99999999999', [ORIGIN_HEADERS.offset]: '1' }],
  ])('rejects %s', (_case, headers) => {
    expect(readOrigin(headers)).toBeUndefined();
  });
});
