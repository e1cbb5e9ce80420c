import { ORIGIN_HEADER, originHeaders, readOrigin } from './record-headers';

describe('origin header', () => {
  it('round-trips through a Kafka header value (a Buffer)', () => {
    const headers = Object.fromEntries(Object.entries(originHeaders({ topic: 'raw-logs', partition: 7, offset: '9007199254740993' })).map(([k, v]) => [k, Buffer.from(v)]));
    expect(headers).toEqual({ 'iocflow.origin': Buffer.from('raw-logs/7/9007199254740993') });
    expect(readOrigin(headers)).toEqual({ topic: 'raw-logs', partition: 7, offset: '9007199254740993' });
  });

  it.each([
    ['missing', {}],
    ['missing offset', { [ORIGIN_HEADER]: 'raw-logs/0' }],
    ['bad topic', { [ORIGIN_HEADER]: 'raw logs/0/1' }],
    ['negative partition', { [ORIGIN_HEADER]: 'raw-logs/-1/1' }],
    ['offset with text', { [ORIGIN_HEADER]: 'raw-logs/0/1\r\nx' }],
    ['partition too large', { [ORIGIN_HEADER]: 'raw-logs/9999999999/1' }],
  ])('rejects %s', (_case, headers) => {
    expect(readOrigin(headers)).toBeUndefined();
  });
});
