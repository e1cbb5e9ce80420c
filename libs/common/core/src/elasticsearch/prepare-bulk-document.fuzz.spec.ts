import fc from 'fast-check';
import { documentId } from './document-id';
import { targetIndexFor } from './index-target';
import { prepareBulkDocument } from './prepare-bulk-document';

// Issue 11, deliverable 4 (core may not use @iocflow/testing: the arbitraries are local).
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 4 }).map((codes) => String.fromCharCode(...codes)),
  fc.constantFrom('\n', '\r\n', '\u2028', '"@timestamp"', '\\u0040timestamp', '12345678901234567890', 'x\r\nflush_all'),
);
const hostileJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    hostileText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileText, fc.constantFrom('@timestamp', 'event', '__proto__', 'id', 'event.id')), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const deep = fc.tuple(fc.integer({ min: 990, max: 3000 }), fc.boolean()).map(([depth, lines]) => `{"@timestamp":"2026-01-01T00:00:00Z",${lines ? '\n' : ''}"d":${'['.repeat(depth)}${']'.repeat(depth)}}`);
const value = fc.oneof(
  fc.uint8Array({ maxLength: 160 }).map((bytes) => Buffer.from(bytes)),
  hostileJson.map((json) => JSON.stringify(json) ?? 'null'),
  hostileJson.map((json) => Buffer.from(JSON.stringify(json, null, 1) ?? 'null')),
  deep,
  fc.constant(null),
);
const options = { target: { kind: 'daily', prefix: 'iocflow-logs' } as const, nowMs: Date.UTC(2026, 0, 1), maxDepth: 1000 };

describe('prepareBulkDocument on arbitrary records (fast-check)', () => {
  it('answers a one-line document that is the same JSON object, or a reason — never an exception', () => {
    fc.assert(
      fc.property(value, fc.boolean(), (input, dataStream) => {
        const prepared = prepareBulkDocument(
          { coordinates: { topic: 't', partition: 0, offset: '1' }, value: input, timestamp: '0' },
          dataStream ? { ...options, target: { kind: 'data-stream', name: 'logs-iocflow-default' } } : options,
        );
        if (prepared.kind === 'unindexable') {
          expect(['empty_value', 'not_json', 'not_json_object', 'too_deep', 'missing_timestamp']).toContain(prepared.reason);
          return;
        }
        const source = String(prepared.document.source);
        expect(source).not.toMatch(/[\r\n]/);
        // what goes in comes out: the document is the record's own JSON object
        const text = Buffer.isBuffer(input) ? input.toString('utf8') : String(input);
        expect(JSON.parse(source)).toEqual(JSON.parse(text));
      }),
      { seed: 11_003, numRuns: 400, endOnFailure: true },
    );
  });
});

describe('prepareBulkDocument with an id field, against JSON.parse (fast-check, issue 14)', () => {
  const withIds = fc.oneof(
    value,
    fc.tuple(hostileJson, fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null)), fc.boolean()).map(([json, id, dotted]) => {
      const event = typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
      return Buffer.from(JSON.stringify(dotted ? { ...event, 'event.id': id } : { ...event, event: { id } }));
    }),
  );

  it('names and places the document as the whole-event parse would, or refuses what JSON.parse refuses', () => {
    fc.assert(
      fc.property(withIds, (input) => {
        const coordinates = { topic: 't', partition: 0, offset: '1' };
        const prepared = prepareBulkDocument({ coordinates, value: input, timestamp: '0' }, { ...options, idField: 'event.id' });
        const text = input === null ? '' : Buffer.isBuffer(input) ? input.toString('utf8') : String(input);
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch {
          event = undefined;
        }
        const isObject = typeof event === 'object' && event !== null && !Array.isArray(event);
        if (prepared.kind === 'unindexable') {
          if (prepared.reason !== 'too_deep') expect(isObject).toBe(false);
          return;
        }
        expect(isObject).toBe(true);
        expect(prepared.document.id).toBe(documentId(coordinates, event, 'event.id'));
        expect(prepared.document.index).toBe(targetIndexFor(options.target, (event as Record<string, unknown>)['@timestamp'], '0', options.nowMs));
        expect(JSON.parse(String(prepared.document.source))).toEqual(event);
        expect(String(prepared.document.source)).not.toMatch(/[\r\n]/);
      }),
      { seed: 14_041, numRuns: 1500, endOnFailure: true },
    );
  });
});

describe('prepareBulkDocument reading @timestamp from the bytes, against JSON.parse (fast-check, issue 14)', () => {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  // the UTC form the bytes are read for, with components around and beyond their ranges, and other forms beside it
  const timestamp = fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.stringMatching(/^[0-9]{0,11}$/), { nil: undefined }),
      )
      .map(([y, mo, d, h, s, fraction]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(s, 2)}:${pad(s, 2)}${fraction === undefined ? '' : `.${fraction}`}Z`),
    fc.constantFrom('2026-01-01T00:00:00+02:00', '2026-01-01', '1767225600000', 'not a time', '2026-01-01t00:00:00z'),
    fc.integer({ min: -1, max: 300_000_000_000_000 }),
    fc.constant(null),
  );
  const events = fc.tuple(hostileJson, timestamp).map(([json, time]) => {
    const event = typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
    return Buffer.from(JSON.stringify({ ...event, '@timestamp': time }));
  });

  it('places the document as the whole-event parse would (daily index or data stream)', () => {
    fc.assert(
      fc.property(events, fc.boolean(), (input, dataStream) => {
        const target = dataStream ? ({ kind: 'data-stream', name: 'logs-iocflow-default' } as const) : options.target;
        const prepared = prepareBulkDocument({ coordinates: { topic: 't', partition: 0, offset: '1' }, value: input, timestamp: '-1' }, { ...options, target });
        const event = JSON.parse(input.toString('utf8')) as Record<string, unknown>;
        const index = targetIndexFor(target, event['@timestamp'], '-1', options.nowMs);
        if (index === undefined) {
          expect(prepared).toMatchObject({ kind: 'unindexable', reason: 'missing_timestamp' });
          return;
        }
        expect(prepared.kind === 'document' ? prepared.document.index : prepared.reason).toBe(index);
        expect(prepared.kind === 'document' && JSON.parse(String(prepared.document.source))).toEqual(event);
      }),
      { seed: 14_142, numRuns: 3000, endOnFailure: true },
    );
  });
});
