import fc from 'fast-check';
import { jsonSizeBound } from './json-size-bound';

describe('jsonSizeBound', () => {
  it('is never below the UTF-8 length of JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonSizeBound(value)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8'));
      }),
      { numRuns: 500 },
    );
    // Generated JSON values can be large: room for a loaded machine.
  }, 30_000);

  it('holds for escapes, lone surrogates and astral characters', () => {
    for (const text of ['\u0000\u001f"\\', '\ud800', '😀😀', 'é'.repeat(100), '\u2028']) {
      const value = { text, list: [text, -1.7976931348623157e308, -0, true, null] };
      expect(jsonSizeBound(value)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(value), 'utf8'));
    }
  });

  it('is within a small factor of the real size for a typical indicator record', () => {
    const record = { key: 'domain-example.com', kind: 'domain', value: 'example.com', feeds: ['Feed-A'], attributes: [{ attributeUuid: 'a'.repeat(36), timestamp: 1_700_000_000 }], updatedAt: '2026-01-01T00:00:00.000Z' };
    const real = Buffer.byteLength(JSON.stringify(record), 'utf8');
    expect(jsonSizeBound(record)).toBeLessThan(real * 8);
  });
});
