import fc from 'fast-check';
import { bulkEntryBytes, encodeBulk, encodeBulkAction } from './encode-bulk';

const doc = { index: 'iocflow-logs-2024.01.01', id: 'enriched-logs-0-1', source: '{"msg":"héllo"}' };

describe('encodeBulk', () => {
  it('writes an index action line and the source line for each document, each newline-terminated', () => {
    expect(encodeBulk([doc, { ...doc, id: 'enriched-logs-0-2' }]).toString('utf8')).toBe(
      '{"index":{"_index":"iocflow-logs-2024.01.01","_id":"enriched-logs-0-1"}}\n{"msg":"héllo"}\n' +
        '{"index":{"_index":"iocflow-logs-2024.01.01","_id":"enriched-logs-0-2"}}\n{"msg":"héllo"}\n',
    );
  });

  it('copies a source held as bytes unchanged, next to sources held as text', () => {
    const bytes = Buffer.from('{"msg":"héllo","n":12345678901234567890}', 'utf8');
    const body = encodeBulk([{ ...doc, source: bytes }, doc]);
    const lines = body.toString('utf8').split('\n');
    expect(lines[1]).toBe('{"msg":"héllo","n":12345678901234567890}');
    expect(lines[3]).toBe('{"msg":"héllo"}');
    expect(body.length).toBe(bulkEntryBytes({ ...doc, source: bytes }) + bulkEntryBytes(doc));
  });

  it('writes a create action for a data-stream document, and counts its longer action line', () => {
    const created = { ...doc, index: 'logs-iocflow-default', action: 'create' } as const;
    expect(encodeBulkAction(created)).toBe('{"create":{"_index":"logs-iocflow-default","_id":"enriched-logs-0-1"}}');
    expect(encodeBulk([created, doc]).length).toBe(bulkEntryBytes(created) + bulkEntryBytes(doc));
  });

  it('is empty for no documents', () => {
    expect(encodeBulk([]).length).toBe(0);
  });

  it('escapes ids so an event id cannot break out of the action line', () => {
    const action = encodeBulkAction({ ...doc, id: 'a"},"_index":"other' });
    expect(JSON.parse(action)).toEqual({ index: { _index: 'iocflow-logs-2024.01.01', _id: 'a"},"_index":"other' } });
  });

  it('every line of the body is valid JSON', () => {
    const lines = encodeBulk([doc, { ...doc, source: Buffer.from(doc.source) }]).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('counts UTF-8 bytes of both lines and their newlines', () => {
    expect(bulkEntryBytes(doc)).toBe(encodeBulk([doc]).length);
  });
});

describe('encodeBulkAction against JSON.stringify (fast-check, issue 14)', () => {
  it('writes the action line JSON.stringify would, and counts its bytes, for any index and id', () => {
    const text = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('raw-logs-0-17', 'a"b', 'a\\b', '\u007f', '\u2028', '\ud800'));
    fc.assert(
      fc.property(text, text, fc.constantFrom('index', 'create') as fc.Arbitrary<'index' | 'create'>, (index, id, action) => {
        expect(encodeBulkAction({ index, id, source: '{}', action })).toBe(JSON.stringify({ [action]: { _index: index, _id: id } }));
        // the size counted without writing the line is the written body's
        // the size counted without writing the line is the written body's, and the body holds the line
        const body = encodeBulk([{ index, id, source: '{"é":1}', action }]);
        expect(bulkEntryBytes({ index, id, source: '{"é":1}', action })).toBe(body.length);
        expect(body.toString('utf8')).toBe(`${JSON.stringify({ [action]: { _index: index, _id: id } })}\n{"é":1}\n`);
      }),
      { seed: 14_031, numRuns: 4000 },
    );
  });

  it('writes each document of a body with its own index name (the last plain name is kept between documents and bodies)', () => {
    const index = fc.constantFrom('iocflow-logs-2026.12.03', 'iocflow-logs-2026.12.04', 'a"b', 'é', ['iocflow-logs', '2026.12.03'].join('-'));
    const id = fc.constantFrom('raw-logs-0-17', 'x\\y', 'z');
    fc.assert(
      fc.property(fc.array(fc.record({ index, id }), { maxLength: 8 }), (documents) => {
        const body = encodeBulk(documents.map((d) => ({ ...d, source: '{}' })));
        expect(body.toString('utf8')).toBe(documents.map((d) => `${JSON.stringify({ index: { _index: d.index, _id: d.id } })}\n{}\n`).join(''));
        expect(documents.reduce((sum, d) => sum + bulkEntryBytes({ ...d, source: '{}' }), 0)).toBe(body.length);
      }),
      { seed: 14_032, numRuns: 1000 },
    );
  });
});
