import fc from 'fast-check';
import { formatOrigin, ORIGIN_HEADER, originHeaders, originPrefix, originValue, readOrigin } from './record-headers';

describe('origin header', () => {
  it('round-trips through a Kafka header value (a Buffer)', () => {
    const headers = Object.fromEntries(Object.entries(originHeaders({ topic: 'raw-logs', partition: 7, offset: '9007199254740993' })).map(([k, v]) => [k, Buffer.from(v)]));
    expect(headers).toEqual({ 'iocflow.origin': Buffer.from('raw-logs/7/9007199254740993') });
    expect(readOrigin(headers)).toEqual({ topic: 'raw-logs', partition: 7, offset: '9007199254740993' });
  });

  it.each([
    ['raw-logs', 7, '9007199254740993'],
    ['r', 0, '0'],
    ['a.b_c-D', '2147483647', '123'],
  ])('gives the same bytes as bytes built from the text (%s/%s/%s)', (topic, partition, offset) => {
    const prefix = originPrefix(topic, partition);
    const value = originValue(prefix, offset);
    expect(value).toEqual(Buffer.from(formatOrigin(topic, partition, offset), 'utf8'));
    expect(readOrigin({ [ORIGIN_HEADER]: value })).toEqual({ topic, partition: Number(partition), offset });
    // each value is its own (the prefix is shared, never written to)
    expect(originValue(prefix, '1').toString()).toBe(`${topic}/${partition}/1`);
    expect(value.toString()).toBe(`${topic}/${partition}/${offset}`);
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

  it('reads a header held as bytes exactly as its decoded text (generated and mutated values)', () => {
    const part = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{0,12}$/), fc.stringMatching(/^[0-9]{0,21}$/), fc.constantFrom('0', '007', '2147483647', '2147483648', 'x'.repeat(250)));
    const origin = fc.tuple(part, part, part).map(([topic, partition, offset]) => `${topic}/${partition}/${offset}`);
    const mutated = fc.tuple(origin, fc.nat(), fc.constantFrom('', '/', 'é', '\u00ff', ' ', '\n', '-', '9')).map(([text, at, char]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, i) + char + text.slice(i + 1);
    });
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(origin.map((text) => Buffer.from(text)), mutated.map((text) => Buffer.from(text)), fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes))), (bytes) => {
        const fromBytes = readOrigin({ [ORIGIN_HEADER]: bytes });
        expect(fromBytes).toEqual(readOrigin({ [ORIGIN_HEADER]: bytes.toString('utf8') }));
        if (fromBytes !== undefined) read += 1;
      }),
      { numRuns: 20_000 },
    );
    expect(read).toBeGreaterThan(100);
  });

  it('reads runs of headers as each alone (the last topic kept between records: same length, other bytes)', () => {
    const header = fc
      .tuple(fc.constantFrom('raw-logs', 'raw-logt', 'waw-logs', 'raw-log', 'r'), fc.constantFrom('0', '3', '007', '2147483647'), fc.stringMatching(/^[0-9]{1,19}$/))
      .map(([topic, partition, offset]) => `${topic}/${partition}/${offset}`);
    fc.assert(
      fc.property(fc.array(header, { maxLength: 20 }), (run) => {
        for (const text of run) expect(readOrigin({ [ORIGIN_HEADER]: Buffer.from(text) })).toEqual(readOrigin({ [ORIGIN_HEADER]: text }));
      }),
    );
  });
});
