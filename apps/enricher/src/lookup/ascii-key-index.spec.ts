import fc from 'fast-check';
import { AsciiKeyIndex, isIndexableKey, keyHash } from './ascii-key-index';

describe('AsciiKeyIndex', () => {
  it('answers as a Map from key to slot under random sets and deletes, through rehashes, slot reuse and byte compaction', () => {
    // few distinct short keys (collisions, repeats) and some long ones (the byte buffer fills and compacts)
    const key = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '~', '!'), minLength: 1, maxLength: 4 }),
      fc.string({ unit: fc.constantFrom('x', 'y'), minLength: 200, maxLength: 400 }),
    );
    const operation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('get' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 2000 }), (operations) => {
        const index = new AsciiKeyIndex();
        const model = new Map<string, number>();
        for (const step of operations) {
          if (step.op === 'set') {
            const { slot, added } = index.set(step.key);
            expect(added).toBe(!model.has(step.key));
            if (!added) expect(slot).toBe(model.get(step.key));
            model.set(step.key, slot);
          } else if (step.op === 'delete') {
            expect(index.delete(step.key)).toBe(model.get(step.key) ?? -1);
            model.delete(step.key);
          } else {
            expect(index.get(step.key)).toBe(model.get(step.key) ?? -1);
          }
          expect(index.size).toBe(model.size);
        }
        for (const [k, slot] of model) {
          expect(index.get(k)).toBe(slot);
          expect(index.keyOf(slot)).toBe(k);
          expect(slot).toBeLessThan(index.slotLimit);
        }
        // live slots are distinct
        expect(new Set(model.values()).size).toBe(model.size);
        expect(new Map(index.entries())).toEqual(model);
      }),
      { numRuns: 150 },
    );
  });

  it('holds twenty thousand keys and tells every other value it is absent', () => {
    const index = new AsciiKeyIndex();
    const count = 20_000;
    let added = 0;
    for (let i = 0; i < count; i++) if (index.set(`evil${i}.example.net`).added) added++;
    expect(added).toBe(count);
    expect(index.size).toBe(count);
    let found = 0;
    for (let i = 0; i < count; i++) if (index.keyOf(index.get(`evil${i}.example.net`)) === `evil${i}.example.net`) found++;
    expect(found).toBe(count);
    let absent = 0;
    for (let i = 0; i < 20_000; i++) if (index.get(`www.site${i}.example.org`) === -1) absent++;
    expect(absent).toBe(20_000);
    expect(index.get(`evil${count}.example.net`)).toBe(-1);
  });

  it('reuses a deleted key\'s slot', () => {
    const index = new AsciiKeyIndex();
    const a = index.set('a.example').slot;
    index.set('b.example');
    expect(index.delete('a.example')).toBe(a);
    expect(index.delete('a.example')).toBe(-1);
    expect(index.set('c.example').slot).toBe(a);
    expect(index.keyOf(a)).toBe('c.example');
    expect(index.get('a.example')).toBe(-1);
  });

  it('takes only printable ASCII keys', () => {
    expect(isIndexableKey('evil.com')).toBe(true);
    expect(isIndexableKey('http://evil.com/a?b=c')).toBe(true);
    for (const other of ['', 'evil com', 'évil.com', 'evil\u0000.com', 'evil\u007f', '\u{1F600}']) expect(isIndexableKey(other)).toBe(false);
  });

  it('hashes to 32 bits, depending on every character', () => {
    expect(keyHash('evil.com')).toBe(keyHash('evil.com'));
    expect(keyHash('evil.com')).not.toBe(keyHash('evil.con'));
    expect(keyHash('evil.com')).not.toBe(keyHash('avil.com'));
    expect(Number.isInteger(keyHash(''))).toBe(true);
  });

  it('places keys by a seed, so the same keys collide differently under another seed', () => {
    const keys = Array.from({ length: 64 }, (_, i) => `host${i}.example`);
    const cells = (seed: number): number[] => keys.map((key) => keyHash(key, seed) & 1023);
    expect(cells(1)).not.toEqual(cells(2));
    expect(keys.filter((key) => keyHash(key, 1) === keyHash(key, 2))).toEqual([]);
  });
});
