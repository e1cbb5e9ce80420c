import fc from 'fast-check';
import { documentId } from './document-id';

const at = { topic: 'enriched-logs', partition: 3, offset: '9007199254740993' };

describe('documentId', () => {
  it('defaults to topic-partition-offset, keeping 64-bit offsets exact', () => {
    expect(documentId(at)).toBe('enriched-logs-3-9007199254740993');
    expect(documentId(at, { event: { id: 'x' } })).toBe('enriched-logs-3-9007199254740993');
  });

  it('is the same for the same record, every time', () => {
    expect(documentId(at, {}, 'event.id')).toBe(documentId({ ...at }, {}, 'event.id'));
  });

  it('uses a configured event id field, nested or flattened', () => {
    expect(documentId(at, { event: { id: 'abc-123' } }, 'event.id')).toBe('abc-123');
    expect(documentId(at, { 'event.id': 'abc-123' }, 'event.id')).toBe('abc-123');
    expect(documentId(at, { event: { id: 42 } }, 'event.id')).toBe('42');
  });

  it('falls back to coordinates when the id field is missing, empty or not a scalar', () => {
    for (const event of [{}, { event: { id: '' } }, { event: { id: null } }, { event: { id: ['a'] } }, { event: { id: { a: 1 } } }]) {
      expect(documentId(at, event, 'event.id')).toBe('enriched-logs-3-9007199254740993');
    }
  });

  it('hashes ids that are long or not printable ASCII', () => {
    const long = documentId(at, { event: { id: 'a'.repeat(129) } }, 'event.id');
    expect(long).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(documentId(at, { event: { id: 'a'.repeat(128) } }, 'event.id')).toBe('a'.repeat(128));
    expect(documentId(at, { event: { id: 'with space' } }, 'event.id')).toMatch(/^sha256-/);
    expect(documentId(at, { event: { id: 'línea' } }, 'event.id')).toMatch(/^sha256-/);
    expect(documentId(at, { event: { id: 'a\r\nb' } }, 'event.id')).toMatch(/^sha256-/);
  });

  it('hashes deterministically', () => {
    const event = { event: { id: 'x'.repeat(600) } };
    expect(documentId(at, event, 'event.id')).toBe(documentId(at, event, 'event.id'));
    expect(documentId(at, event, 'event.id')).not.toBe(documentId(at, { event: { id: 'y'.repeat(600) } }, 'event.id'));
  });

  it('names any run of coordinates `<topic>-<partition>-<offset>` (the prefix kept between records never leaks into the next)', () => {
    const coordinates = fc.record({
      topic: fc.constantFrom('raw-logs', 'raw-logt', 'a', 'enriched-logs'),
      partition: fc.constantFrom(0, 1, 7, 10, 1023, 1024, 2_147_483_647, 1.5, -1),
      offset: fc.stringMatching(/^[0-9]{1,19}$/),
    });
    fc.assert(
      fc.property(fc.array(coordinates, { maxLength: 20 }), (run) => {
        for (const c of run) expect(documentId(c)).toBe(`${c.topic}-${c.partition}-${c.offset}`);
      }),
    );
  });
});
