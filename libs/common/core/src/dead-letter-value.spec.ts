import { DEFAULT_DEAD_LETTER_MAX_BYTES, capDeadLetterEnvelope, capDeadLetterValue } from './dead-letter-value';
import { DEAD_LETTER_HEADERS } from './record-headers';

describe('capDeadLetterValue', () => {
  it('keeps a value that fits, unchanged and without headers', () => {
    const value = Buffer.from('{"event":{"id":"1"}}');
    const capped = capDeadLetterValue(value, value.length);
    expect(capped.value).toBe(value);
    expect(capped.headers).toEqual({});
  });

  it('keeps a null value (tombstone) as null', () => {
    expect(capDeadLetterValue(null, 10)).toEqual({ value: null, headers: {} });
  });

  it('cuts a larger value to the first maxBytes and says how long it was and what it hashed to', () => {
    const value = Buffer.from('0123456789abcdef');
    const capped = capDeadLetterValue(value, 10);
    expect(capped.value?.toString()).toBe('0123456789');
    expect(capped.headers).toEqual({
      'iocflow.dlq.truncated': '16',
      // sha256sum of the 16 bytes, computed outside node
      'iocflow.dlq.sha256': '9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f',
    });
  });

  it('counts bytes, not characters: a string is measured and cut as UTF-8', () => {
    const capped = capDeadLetterValue('ééé', 3);
    expect(capped.value).toEqual(Buffer.from([0xc3, 0xa9, 0xc3]));
    expect(capped.headers[DEAD_LETTER_HEADERS.truncated]).toBe('6');
  });

  it('brings a 10 MiB value under the default cap, which is below the broker default of 1 MiB', () => {
    const value = Buffer.alloc(10 * 1_048_576, 0x78);
    const capped = capDeadLetterValue(value, DEFAULT_DEAD_LETTER_MAX_BYTES);
    expect(capped.value?.length).toBe(921_600);
    expect(DEFAULT_DEAD_LETTER_MAX_BYTES).toBeLessThan(1_048_588 - 64 * 1024);
    expect(capped.headers[DEAD_LETTER_HEADERS.truncated]).toBe(String(10 * 1_048_576));
  });

  it('refuses a negative or fractional cap', () => {
    expect(() => capDeadLetterValue('x', -1)).toThrow(RangeError);
    expect(() => capDeadLetterValue('x', 1.5)).toThrow(RangeError);
  });
});

// Issue 11: a record from a topic that accepts large records may carry a huge key or headers; its
// dead letter must still fit the dead-letter topic, or the consumer stops on it.
describe('capDeadLetterEnvelope', () => {
  it('keeps a small key and headers as they are', () => {
    const headers = { trace: Buffer.from('t') };
    expect(capDeadLetterEnvelope(Buffer.from('k'), headers, 100)).toEqual({ key: Buffer.from('k'), headers, notes: {} });
  });

  it('cuts a key over the limit and leaves out headers over it, saying so', () => {
    const capped = capDeadLetterEnvelope(Buffer.from('é'.repeat(100)), { a: 'x'.repeat(60), b: Buffer.alloc(60) }, 100);
    expect(capped.key).toEqual(Buffer.from('é'.repeat(100)).subarray(0, 100));
    expect(capped.headers).toEqual({});
    expect(capped.notes).toEqual({ [DEAD_LETTER_HEADERS.keyTruncated]: '200', [DEAD_LETTER_HEADERS.headersDropped]: '2' });
  });
});
