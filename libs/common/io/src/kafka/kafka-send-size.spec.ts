import { DEFAULT_MAX_SEND_BYTES, RECORD_OVERHEAD_BYTES, recordBytes, sendChunks } from './kafka-send-size';
import type { KafkaProducedRecord } from './kafka-types';

const record = (value: string, key: string | null = 'k', headers?: Record<string, string>): KafkaProducedRecord => ({ topic: 't', key, value, ...(headers ? { headers } : {}) });

describe('sendChunks', () => {
  it('keeps order and cuts before a record that would pass the byte budget (key + value + headers, UTF-8, + framing)', () => {
    const records = [record('a'.repeat(40)), record('b'.repeat(40)), record('é'.repeat(20)), record('c', null, { h: 'x'.repeat(60) }), record('d'.repeat(200))];
    // a record costs RECORD_OVERHEAD_BYTES on top of its bytes (and 10 per header): `a` and `b` fit together, `é` + `c` do not
    expect(records.map(recordBytes)).toEqual([41, 41, 41, 72, 201].map((n) => n + RECORD_OVERHEAD_BYTES));
    const chunks = sendChunks(records, 2 * (RECORD_OVERHEAD_BYTES + 41));
    expect(chunks.map((chunk) => chunk.map((r) => String(r.value).charAt(0)))).toEqual([['a', 'b'], ['é'], ['c'], ['d']]);
    expect(chunks.flat()).toEqual(records);
  });

  it('cuts a large send under DEFAULT_MAX_SEND_BYTES per request, in order, and leaves a small one whole', () => {
    const records = Array.from({ length: 300 }, (_, i) => record('x'.repeat(8000), `k${i}`));
    const chunks = sendChunks(records, DEFAULT_MAX_SEND_BYTES);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.reduce((sum, r) => sum + recordBytes(r), 0)).toBeLessThanOrEqual(DEFAULT_MAX_SEND_BYTES);
    expect(chunks.flat().map((r) => r.key)).toEqual(records.map((r) => r.key));
    expect(sendChunks(records.slice(0, 3), DEFAULT_MAX_SEND_BYTES)).toHaveLength(1);
  });

  it('sends a record larger than the budget alone (the broker judges it)', () => {
    const chunks = sendChunks([record('a'), record('b'.repeat(1000)), record('c')], 300);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
  });
});
