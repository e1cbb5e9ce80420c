import fc from 'fast-check';
import type { KafkaConsumedBatch, KafkaConsumedMessage } from '../kafka-types';
import { type PlatformaticMessage, nextOffsetOf, toConsumedBatch, toConsumedMessage } from './platformatic-consumed-message';

/** The driver's conversion before records were converted as they arrive: a whole batch of the client's messages at hand-over. */
function reference(topic: string, partition: number, batch: readonly PlatformaticMessage[], highWatermark: bigint | undefined) {
  const messages: KafkaConsumedMessage[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i] as PlatformaticMessage;
    const headers: Record<string, Buffer> = {};
    for (const [name, value] of m.headerEntries) headers[name.toString()] = value;
    messages[i] = { offset: m.offset.toString(), key: m.key ?? null, value: m.value ?? null, headers, timestamp: m.timestamp.toString() };
  }
  const last = batch[batch.length - 1] as PlatformaticMessage;
  const next = last.offset + 1n;
  const consumed: KafkaConsumedBatch = { topic, partition, highWatermark: String(highWatermark !== undefined && highWatermark > next ? highWatermark : next), messages };
  return { consumed, firstOffset: String(batch[0]?.offset ?? last.offset), nextOffset: String(last.offset + 1n) };
}

const INT64_MAX = 2n ** 63n - 1n;
const bytes = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));
// a few names so that they repeat (last wins), and any bytes (invalid UTF-8 included)
const headerName = fc.oneof(fc.constantFrom('iocflow.origin', 'a', 'b', 'ünï'), fc.string({ maxLength: 8 })).map((s) => Buffer.from(s)).chain((b) => fc.oneof(fc.constant(b), bytes));
const platformaticMessage = fc
  .record({
    key: fc.option(bytes, { nil: undefined }),
    value: fc.option(bytes, { nil: undefined }),
    headerEntries: fc.array(fc.tuple(headerName, fc.option(bytes, { nil: undefined })), { maxLength: 4 }),
    timestamp: fc.oneof(fc.constant(-1n), fc.bigInt(0n, 4_102_444_800_000n), fc.bigInt(-(2n ** 63n), INT64_MAX)),
  })
  .map((m) => m as unknown as Omit<PlatformaticMessage, 'offset'>);
// one partition's run: increasing offsets anywhere in int64, gaps allowed (compacted topics, transaction markers)
const run = fc
  .tuple(fc.bigInt(0n, INT64_MAX - 10_000n), fc.array(fc.tuple(fc.bigInt(1n, 3n), platformaticMessage), { minLength: 1, maxLength: 20 }))
  .map(([start, parts]) => {
    let offset = start;
    return parts.map(([gap, m]) => ({ ...m, offset: (offset += gap) }) as PlatformaticMessage);
  });

describe('toConsumedMessage / toConsumedBatch', () => {
  it('give the handler what the hand-over conversion gave, for any run of records (fast-check)', () => {
    fc.assert(
      fc.property(run, fc.string({ minLength: 1, maxLength: 12 }), fc.nat(1000), fc.option(fc.bigInt(0n, INT64_MAX), { nil: undefined }), (records, topic, partition, highWatermark) => {
        const expected = reference(topic, partition, records, highWatermark);
        const consumed = toConsumedBatch(topic, partition, records.map(toConsumedMessage), highWatermark);
        expect(consumed).toEqual(expected.consumed);
        expect(consumed.messages[0]?.offset).toBe(expected.firstOffset);
        expect(nextOffsetOf(consumed)).toBe(expected.nextOffset);
        // the very same Buffers: nothing is copied
        consumed.messages.forEach((m, i) => {
          expect(m.value).toBe(expected.consumed.messages[i]?.value);
          expect(m.key).toBe(expected.consumed.messages[i]?.key);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('shares one empty, frozen headers object between records that carry none', () => {
    const message = (offset: bigint) => ({ key: undefined, value: Buffer.from('{}'), headerEntries: [], offset, timestamp: 1n }) as unknown as PlatformaticMessage;
    const [a, b] = [toConsumedMessage(message(1n)), toConsumedMessage(message(2n))];
    expect(a.headers).toBe(b.headers);
    expect(Object.isFrozen(a.headers)).toBe(true);
    expect(a.headers).toEqual({});
  });
});
