import type { KafkaMessage } from 'kafkajs';
import { nextOffset, toConsumedMessage } from './kafka-message';

describe('nextOffset', () => {
  it('adds one without losing precision beyond 2^53', () => {
    expect(nextOffset('0')).toBe('1');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });
});

describe('toConsumedMessage', () => {
  it('keeps key, value (null = tombstone) and timestamp, and flattens headers to one Buffer each', () => {
    const message: KafkaMessage = {
      key: Buffer.from('k'),
      value: null,
      timestamp: '1700000000000',
      attributes: 0,
      offset: '42',
      headers: { a: Buffer.from('1'), b: [Buffer.from('first'), Buffer.from('last')], c: 'text', d: undefined },
    };
    const consumed = toConsumedMessage(message);
    expect(consumed).toMatchObject({ offset: '42', value: null, timestamp: '1700000000000' });
    expect(consumed.key?.toString()).toBe('k');
    expect(Object.fromEntries(Object.entries(consumed.headers).map(([k, v]) => [k, v.toString()]))).toEqual({
      a: '1',
      b: 'last',
      c: 'text',
    });
  });
});
