import fc from 'fast-check';
import { isSafeMemcachedKey, lookupKey } from './lookup-key';
import { normaliseValue } from './normalise-observable';
import { OBSERVABLE_KINDS } from './observable-kind';

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 4 }).map((codes) => String.fromCharCode(...codes)),
  fc.constantFrom('x\r\nflush_all', 'evil.com\nget k', 'a b', '\u0000', `${'a'.repeat(63)}.`.repeat(5), `http://evil.example/${'é'.repeat(6000)}`),
  fc.domain(),
  fc.ipV6(),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
);

// Issue 11, deliverable 4: a log value or an indicator value, whatever it holds, normalises to an
// observable or to nothing, never throws, and its lookup key is always one memcached accepts (a
// refused key would fail the whole batch).
describe('normaliseValue and lookupKey on arbitrary values (fast-check)', () => {
  it('never throws, and every key is a safe memcached key', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OBSERVABLE_KINDS), hostile, (kind, raw) => {
        const value = normaliseValue(kind, raw);
        if (value === undefined) return;
        expect(value.length).toBeLessThanOrEqual(32_768);
        expect(isSafeMemcachedKey(lookupKey(kind, value))).toBe(true);
      }),
      { seed: 11_021, numRuns: 2000, endOnFailure: true },
    );
  });
});
