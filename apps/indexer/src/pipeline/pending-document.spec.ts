import type { BulkDocument } from '@iocflow/core';
import type { KafkaConsumedMessage } from '@iocflow/io';
import fc from 'fast-check';
import { BatchSettlement } from './batch-settlement';
import { pendingDocument, recordOf, type SourceBatch } from './pending-document';

const batch: SourceBatch = { topic: 'enriched-logs', partition: 3, settlement: new BatchSettlement() };
const documentOf = (source: Buffer): BulkDocument => ({ index: 'iocflow-2026.12.03', id: 'raw-logs-0-7', source });

/** A fetch response's memory: records' keys, values and header values are views of it, as both Kafka clients hand them out. */
const fetched = (...parts: string[]): Buffer[] => {
  const memory = Buffer.from(parts.join(''));
  let at = 0;
  return parts.map((part) => memory.subarray(at, (at += Buffer.byteLength(part))));
};

describe('pendingDocument / recordOf', () => {
  it('keeps the usual record as numbers and rebuilds the same coordinates and bytes for a dead letter', () => {
    const [key, value, origin] = fetched('k1', '{"a":1}', 'raw-logs/0/7');
    const message: KafkaConsumedMessage = { offset: '123456', key: key as Buffer, value: value as Buffer, headers: { 'iocflow.origin': origin as Buffer }, timestamp: '1764770000000' };
    const pending = pendingDocument(documentOf(value as Buffer), 99, batch, message);
    expect(pending.message).toBeUndefined();
    expect(pending).toMatchObject({ index: 'iocflow-2026.12.03', id: 'raw-logs-0-7', source: value, bytes: 99, batch });
    const { coordinates, content } = recordOf(pending);
    expect(coordinates).toEqual({ topic: 'enriched-logs', partition: 3, offset: '123456' });
    expect(content.value).toBe(value);
    expect(content.key?.toString()).toBe('k1');
    expect(Object.keys(content.headers)).toEqual(['iocflow.origin']);
    expect(content.headers['iocflow.origin']?.toString()).toBe('raw-logs/0/7');
  });

  it.each([
    ['an offset of 16 digits', { offset: '1234567890123456' }],
    ['an offset with a leading zero', { offset: '07' }],
    ['two headers', { headers: { a: Buffer.from('1'), b: Buffer.from('2') } }],
    ['a key of other memory', { key: Buffer.alloc(3) }],
  ])('keeps the message itself for %s', (_, change) => {
    const [value] = fetched('{"a":1}');
    const message: KafkaConsumedMessage = { offset: '1', key: null, value: value as Buffer, headers: {}, timestamp: '0', ...change };
    expect(pendingDocument(documentOf(value as Buffer), 1, batch, message).message).toBe(message);
  });

  it('gives a dead letter the coordinates and content of the consumed message, for any record (fast-check)', () => {
    const text = fc.string({ maxLength: 12 });
    const offset = fc.oneof(
      fc.bigInt(0n, 2n ** 63n - 1n).map(String),
      fc.nat(1_000_000).map(String),
      fc.stringMatching(/^[0-9+-]{0,17}$/),
    );
    fc.assert(
      fc.property(
        fc.record({
          key: fc.option(text, { nil: null }),
          keyElsewhere: fc.boolean(),
          value: text,
          headers: fc.array(fc.tuple(fc.oneof(fc.constantFrom('iocflow.origin', 'a', '1'), fc.string({ maxLength: 6 })), text, fc.boolean()), { maxLength: 3 }),
          offset,
          sourceIsValue: fc.boolean(),
        }),
        (r) => {
          const [value, key, ...headerValues] = fetched(r.value, r.key ?? '', ...r.headers.map(([, v]) => v));
          const headers: Record<string, Buffer> = {};
          r.headers.forEach(([name, , elsewhere], i) => {
            const bytes = headerValues[i] as Buffer;
            headers[name] = elsewhere ? Buffer.from(bytes) : bytes;
          });
          const message: KafkaConsumedMessage = {
            offset: r.offset,
            key: r.key === null ? null : r.keyElsewhere ? Buffer.from(key as Buffer) : (key as Buffer),
            value: value as Buffer,
            headers,
            timestamp: '0',
          };
          const source = r.sourceIsValue ? (value as Buffer) : Buffer.from(value as Buffer);
          const pending = pendingDocument(documentOf(source), 1, batch, message);
          const { coordinates, content } = recordOf(pending);
          expect(coordinates).toEqual({ topic: batch.topic, partition: batch.partition, offset: message.offset });
          expect(content.value).toBe(message.value);
          expect(content.key === null ? null : [...content.key]).toEqual(message.key === null ? null : [...message.key]);
          expect(Object.keys(content.headers)).toEqual(Object.keys(message.headers));
          for (const name of Object.keys(message.headers)) expect([...(content.headers[name] as Buffer)]).toEqual([...(message.headers[name] as Buffer)]);
          expect(Object.getPrototypeOf(content.headers)).toBe(Object.prototype);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
