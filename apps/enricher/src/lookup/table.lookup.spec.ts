import fc from 'fast-check';
import type { IndicatorRecord } from '@iocflow/core';
import { fuzzRuns, hostileJson, hostileString } from '@iocflow/testing';
import type { KafkaBatchHandler, KafkaReadResult, KafkaTopicReaderPort } from '@iocflow/io';
import { TableIndicatorLookup, type IgnoredRecordReason } from './table.lookup';

const record = (value: string, feed = 'Feed-A'): IndicatorRecord => ({
  key: `domain-${value}`,
  kind: 'domain',
  value,
  feeds: [feed],
  attributes: [{ attributeUuid: `u-${value}`, mispType: 'domain', eventUuid: 'e', eventInfo: 'i', feeds: [feed], tags: [], toIds: true, timestamp: 1 }],
  updatedAt: '2025-01-01T00:00:00.000Z',
});

/** A topic reader that hands the given records over as one batch, then reports the end. */
function readerOf(values: readonly [string, string | null][]): () => KafkaTopicReaderPort {
  return () => ({
    async read(topic: string, handler: KafkaBatchHandler): Promise<KafkaReadResult> {
      const messages = values.map(([key, value], i) => ({ offset: String(i), key: Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: {}, timestamp: '0' }));
      await handler({ topic, partition: 0, highWatermark: String(messages.length), messages });
      return { messages: messages.length, highWatermarks: [] } as unknown as KafkaReadResult;
    },
    stop: async () => undefined,
  });
}

describe('TableIndicatorLookup', () => {
  // Issue 11: `"attributes":[null]` threw in the loader, so the table never loaded and every batch was held.
  it('skips records it cannot use, each with a reason and its offset, and loads the rest', async () => {
    const hostile: [string, string | null][] = [
      ['domain-a.example', JSON.stringify(record('a.example'))],
      ['domain-null.example', JSON.stringify({ ...record('null.example'), attributes: [null] })],
      ['domain-text.example', 'not json'],
      ['ip-10.0.0.0/33', JSON.stringify({ ...record('10.0.0.0/33'), key: 'ip-10.0.0.0/33', kind: 'ip' })],
      ['domain-b.example', JSON.stringify(record('b.example', 'Feed-B'))],
      ['domain-a.example', null],
    ];
    const ignored: [string, IgnoredRecordReason, string][] = [];
    const table = new TableIndicatorLookup('iocs', readerOf(hostile), { invalidRecord: (key, reason, _detail, offset) => ignored.push([key, reason, offset]) });
    await table.reload();
    expect(ignored).toEqual([
      ['domain-null.example', 'not_record', '1'],
      ['domain-text.example', 'not_json', '2'],
      ['ip-10.0.0.0/33', 'not_indexable', '3'],
    ]);
    expect(table.status()).toEqual({ usable: true });
    const answers = await table.resolve([
      { kind: 'domain', value: 'a.example', parents: false },
      { kind: 'domain', value: 'b.example', parents: false },
      { kind: 'domain', value: 'null.example', parents: false },
    ]);
    expect(answers.map((match) => match?.feeds)).toEqual([undefined, ['Feed-B'], undefined]);
  });

  // Issue 11, deliverable 4: whatever the indicator topic holds, a load finishes and the table answers.
  it('loads any topic content: every record is applied or skipped with a reason (fast-check)', async () => {
    const recordLike = fc.record(
      { key: fc.constant('domain-x.example'), kind: fc.constantFrom('domain', 'ip', 'url', 'nope'), value: hostileString(), feeds: fc.oneof(fc.array(hostileString(20)), hostileJson), attributes: fc.oneof(fc.array(hostileJson, { maxLength: 3 }), hostileJson), updatedAt: fc.oneof(fc.string(), hostileJson) },
      { requiredKeys: [] },
    );
    const entry = fc.tuple(
      fc.oneof(fc.constant('domain-x.example'), hostileString(40)),
      fc.oneof(fc.constant(null), hostileJson.map((json) => JSON.stringify(json) ?? 'null'), recordLike.map((json) => JSON.stringify(json)), fc.constant(JSON.stringify(record('x.example')))),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (values) => {
        let ignored = 0;
        const table = new TableIndicatorLookup('iocs', readerOf(values), { invalidRecord: () => void ignored++ });
        await table.reload();
        expect(table.status()).toEqual({ usable: true });
        const answers = await table.resolve([{ kind: 'domain', value: 'x.example', parents: true }, { kind: 'ip', value: '10.0.0.1', parents: false }]);
        expect(answers).toHaveLength(2);
        expect(ignored).toBeLessThanOrEqual(values.length);
      }),
      fuzzRuns(11_040, 300),
    );
  });
});
