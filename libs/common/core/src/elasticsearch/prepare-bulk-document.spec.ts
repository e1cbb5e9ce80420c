import { prepareBulkDocument, type EnrichedRecord } from './prepare-bulk-document';

const coordinates = { topic: 'enriched-logs', partition: 0, offset: '17' };
const options = { target: { kind: 'daily', prefix: 'iocflow-logs' } as const, nowMs: Date.UTC(2026, 0, 1) };
const dataStream = { ...options, target: { kind: 'data-stream', name: 'logs-iocflow-default' } as const };
const record = (value: EnrichedRecord['value'], timestamp: string | number = String(Date.UTC(2025, 5, 1))): EnrichedRecord => ({
  coordinates,
  value,
  timestamp,
});

describe('prepareBulkDocument', () => {
  it('passes the producer bytes through unchanged (the same Buffer), 64-bit numbers included', () => {
    const bytes = Buffer.from('{"@timestamp":"2024-02-29T10:00:00Z","misp_src":"none","n":12345678901234567890}');
    const prepared = prepareBulkDocument(record(bytes), options);
    expect(prepared).toEqual({ kind: 'document', document: { index: 'iocflow-logs-2024.02.29', id: 'enriched-logs-0-17', source: bytes } });
    expect(prepared.kind === 'document' && prepared.document.source).toBe(bytes);
  });

  it('passes text through unchanged on the parse path', () => {
    const text = '{"@timestamp":"2024-02-29T10:00:00Z","n":12345678901234567890}';
    expect(prepareBulkDocument(record(text), options)).toMatchObject({ document: { source: text } });
  });

  // Buffers take the byte-scanning fast path, strings the JSON.parse path: both must agree.
  it.each([
    '{"@timestamp":"2024-02-29T10:00:00Z","a":[1,{"b":null}]}',
    '{"@timestamp":1709200800000}',
    '{"@timestamp":"1709200800000"}',
    '{"@timestamp":"not a date"}',
    '{"@timestamp":{"nested":true}}',
    '{"a":{"@timestamp":"2020-01-01T00:00:00Z"}}',
    '{"\\u0040timestamp":"2020-01-01T00:00:00Z"}',
    '{\n  "@timestamp": "2023-03-03T00:00:00Z"\n}',
    '',
    '   ',
    '{"a":',
    '[1]',
    '"x"',
  ])('gives the same verdict for %j as bytes and as text', (text) => {
    const normalise = (prepared: ReturnType<typeof prepareBulkDocument>) =>
      prepared.kind === 'document' ? { ...prepared, document: { ...prepared.document, source: String(prepared.document.source) } } : prepared;
    expect(normalise(prepareBulkDocument(record(Buffer.from(text)), options))).toEqual(normalise(prepareBulkDocument(record(text), options)));
  });

  it('decodes invalid UTF-8 with replacement characters, as before, rather than forwarding it', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(prepareBulkDocument(record(bytes), options)).toMatchObject({ document: { source: '{"a":"\ufffd\ufffd"}' } });
  });

  it('reads a configured id field from bytes too, nested or dotted, forwarding the bytes (fast path)', () => {
    const bytes = Buffer.from('{"@timestamp":"2026-03-04T05:06:07Z","event":{"id":"e-7"}}');
    const prepared = prepareBulkDocument(record(bytes), { ...options, idField: 'event.id' });
    expect(prepared).toMatchObject({ document: { id: 'e-7', index: 'iocflow-logs-2026.03.04' } });
    expect(prepared.kind === 'document' && prepared.document.source).toBe(bytes);
    expect(prepareBulkDocument(record(Buffer.from('{"event.id":"e-8"}')), { ...options, idField: 'event.id' })).toMatchObject({ document: { id: 'e-8' } });
  });

  it('takes the parse path with an id field for a text on several lines', () => {
    const prepared = prepareBulkDocument(record(Buffer.from('{"event":\n{"id":"e-9"}}')), { ...options, idField: 'event.id' });
    expect(prepared).toMatchObject({ document: { id: 'e-9', source: '{"event": {"id":"e-9"}}' } });
  });

  it('names the document after the origin (raw-logs coordinates) when the enricher gave one', () => {
    // Two enriched copies of one raw event (an enricher replay) share an id: no duplicate document.
    const origin = { topic: 'raw-logs', partition: 2, offset: '40' };
    const first = prepareBulkDocument({ ...record('{"a":1}'), origin }, options);
    const replayed = prepareBulkDocument({ ...record('{"a":1}'), coordinates: { ...coordinates, offset: '99' }, origin }, options);
    expect(first).toMatchObject({ document: { id: 'raw-logs-2-40' } });
    expect(replayed).toMatchObject({ document: { id: 'raw-logs-2-40' } });
  });

  it('puts a multi-line value on one line without re-serialising it (64-bit numbers kept)', () => {
    const prepared = prepareBulkDocument(record('{\n  "a": "x\\ny",\r\n  "b": 12345678901234567890\n}'), options);
    expect(prepared).toMatchObject({ kind: 'document', document: { source: '{   "a": "x\\ny",    "b": 12345678901234567890 }' } });
  });

  // Issue 11: a deeply nested multi-line event was re-serialised with JSON.stringify, which throws
  // a RangeError at ~5,000 levels and failed the whole batch.
  it('handles a multi-line event nested 1,000 deep without recursion, and refuses deeper ones as too_deep', () => {
    const deep = (depth: number) => `{"@timestamp":"2026-01-01T00:00:00Z",\n"deep":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}`;
    for (const value of [deep(1000), Buffer.from(deep(1000))]) expect(prepareBulkDocument(record(value), options).kind).toBe('document');
    for (const value of [deep(1001), Buffer.from(deep(5000)), deep(100_000)]) {
      expect(prepareBulkDocument(record(value), options)).toMatchObject({ kind: 'unindexable', reason: 'too_deep' });
    }
    expect(prepareBulkDocument(record(deep(30)), { ...options, maxDepth: 20 })).toMatchObject({ kind: 'unindexable', reason: 'too_deep', detail: expect.stringContaining('20') });
  });

  it('falls back to the record timestamp for the index date', () => {
    expect(prepareBulkDocument(record('{"a":1}'), options)).toMatchObject({ document: { index: 'iocflow-logs-2025.06.01' } });
  });

  it('uses a configured id field', () => {
    const prepared = prepareBulkDocument(record('{"event":{"id":"e-1"}}'), { ...options, idField: 'event.id' });
    expect(prepared).toMatchObject({ document: { id: 'e-1' } });
  });

  it.each([
    [null, 'empty_value'],
    ['', 'empty_value'],
    ['  \n', 'empty_value'],
    ['{"a":', 'not_json'],
    ['<134>Oct 11 22:14:15 host app: hello', 'not_json'],
    ['[1,2]', 'not_json_object'],
    ['"text"', 'not_json_object'],
    ['42', 'not_json_object'],
    ['null', 'not_json_object'],
  ])('refuses %j as %s', (value, reason) => {
    expect(prepareBulkDocument(record(value), options)).toMatchObject({ kind: 'unindexable', reason });
  });

  it('sends daily documents with the default index action (no action field)', () => {
    const prepared = prepareBulkDocument(record('{"@timestamp":"2026-03-04T05:06:07Z"}'), options);
    expect(prepared).toEqual({ kind: 'document', document: { index: 'iocflow-logs-2026.03.04', id: 'enriched-logs-0-17', source: '{"@timestamp":"2026-03-04T05:06:07Z"}' } });
  });

  // A data stream refuses a document without @timestamp: such an event is dead-lettered as it
  // came rather than given the Kafka record's time (which would misplace it in the time series).
  describe('into a data stream', () => {
    it.each<[string, EnrichedRecord['value'], 'document' | 'unindexable']>([
      ['ISO-8601 @timestamp (bytes, fast path)', Buffer.from('{"@timestamp":"2026-03-04T05:06:07Z","a":1}'), 'document'],
      ['ISO-8601 @timestamp (text, parse path)', '{"@timestamp":"2026-03-04T05:06:07Z","a":1}', 'document'],
      ['epoch-millisecond @timestamp', '{"@timestamp":1772600767000}', 'document'],
      ['no @timestamp (bytes)', Buffer.from('{"a":1}'), 'unindexable'],
      ['no @timestamp (text)', '{"a":1}', 'unindexable'],
      ['an unreadable @timestamp', '{"@timestamp":"yesterday"}', 'unindexable'],
      ['a null @timestamp', '{"@timestamp":null}', 'unindexable'],
      ['@timestamp only nested', '{"event":{"@timestamp":"2026-03-04T05:06:07Z"}}', 'unindexable'],
    ])('%s → %s', (_, value, kind) => {
      const prepared = prepareBulkDocument(record(value), dataStream);
      expect(prepared.kind).toBe(kind);
      if (prepared.kind === 'document') {
        expect(prepared.document).toMatchObject({ index: 'logs-iocflow-default', id: 'enriched-logs-0-17', action: 'create' });
      } else {
        expect(prepared).toMatchObject({ reason: 'missing_timestamp', detail: expect.stringContaining('@timestamp') });
      }
    });

    it('keeps the deterministic id (configured id field included), so a replay is a 409', () => {
      const prepared = prepareBulkDocument(record('{"@timestamp":"2026-03-04T05:06:07Z","event":{"id":"e-1"}}'), { ...dataStream, idField: 'event.id' });
      expect(prepared).toMatchObject({ document: { id: 'e-1', action: 'create' } });
    });

    it('still refuses what is not a JSON object for that reason first', () => {
      expect(prepareBulkDocument(record('[1]'), dataStream)).toMatchObject({ kind: 'unindexable', reason: 'not_json_object' });
    });
  });
});
