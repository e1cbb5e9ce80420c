import { bulkEntryBytes, encodeBulk, encodeBulkAction } from './encode-bulk';

const doc = { index: 'iocflow-logs-2024.01.01', id: 'enriched-logs-0-1', source: '{"msg":"héllo"}' };

describe('encodeBulk', () => {
  it('writes an index action line and the source line for each document, each newline-terminated', () => {
    expect(encodeBulk([doc, { ...doc, id: 'enriched-logs-0-2' }])).toBe(
      '{"index":{"_index":"iocflow-logs-2024.01.01","_id":"enriched-logs-0-1"}}\n{"msg":"héllo"}\n' +
        '{"index":{"_index":"iocflow-logs-2024.01.01","_id":"enriched-logs-0-2"}}\n{"msg":"héllo"}\n',
    );
  });

  it('is empty for no documents', () => {
    expect(encodeBulk([])).toBe('');
  });

  it('escapes ids so an event id cannot break out of the action line', () => {
    const action = encodeBulkAction({ ...doc, id: 'a"},"_index":"other' });
    expect(JSON.parse(action)).toEqual({ index: { _index: 'iocflow-logs-2024.01.01', _id: 'a"},"_index":"other' } });
  });

  it('every line of the body is valid JSON', () => {
    const lines = encodeBulk([doc, doc]).split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('counts UTF-8 bytes of both lines and their newlines', () => {
    expect(bulkEntryBytes(doc)).toBe(Buffer.byteLength(encodeBulk([doc]), 'utf8'));
  });
});
