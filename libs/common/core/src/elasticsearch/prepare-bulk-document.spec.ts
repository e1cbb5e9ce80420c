import { prepareBulkDocument, type EnrichedRecord } from './prepare-bulk-document';

const coordinates = { topic: 'enriched-logs', partition: 0, offset: '17' };
const options = { indexPrefix: 'iocflow-logs', nowMs: Date.UTC(2026, 0, 1) };
const record = (value: EnrichedRecord['value'], timestamp: string | number = String(Date.UTC(2025, 5, 1))): EnrichedRecord => ({
  coordinates,
  value,
  timestamp,
});

describe('prepareBulkDocument', () => {
  it('passes the producer text through unchanged, 64-bit numbers included', () => {
    const text = '{"@timestamp":"2024-02-29T10:00:00Z","misp_src":"none","n":12345678901234567890}';
    expect(prepareBulkDocument(record(Buffer.from(text)), options)).toEqual({
      kind: 'document',
      document: { index: 'iocflow-logs-2024.02.29', id: 'enriched-logs-0-17', source: text },
    });
  });

  it('names the document after the origin (raw-logs coordinates) when the enricher gave one', () => {
    // Two enriched copies of one raw event (an enricher replay) share an id: no duplicate document.
    const origin = { topic: 'raw-logs', partition: 2, offset: '40' };
    const first = prepareBulkDocument({ ...record('{"a":1}'), origin }, options);
    const replayed = prepareBulkDocument({ ...record('{"a":1}'), coordinates: { ...coordinates, offset: '99' }, origin }, options);
    expect(first).toMatchObject({ document: { id: 'raw-logs-2-40' } });
    expect(replayed).toMatchObject({ document: { id: 'raw-logs-2-40' } });
  });

  it('re-serialises a multi-line value onto one line', () => {
    const prepared = prepareBulkDocument(record('{\n  "a": "x\\ny",\r\n  "b": 1\n}'), options);
    expect(prepared).toMatchObject({ kind: 'document', document: { source: '{"a":"x\\ny","b":1}' } });
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
});
