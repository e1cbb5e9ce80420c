import fc from 'fast-check';
import { MAX_URL_LENGTH, normaliseUrl } from './normalise-url';

/** URL-ish text: real URLs, and URLs built from the characters the rules in docs/matching.md act on. */
const urlish = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https', 'ftp', 'ws', 'wss'] }),
  fc
    .tuple(
      fc.constantFrom('http://', 'HTTPS://', 'http:\\\\', 'http:', 'ftp:/', 'ws://', 'wss:\\/', 'mailto:', 'tcp://', ''),
      fc.constantFrom('', 'u@', 'u:p@', '%41@', ':@'),
      fc.constantFrom('evil.com', 'Evil.COM.', 'xn--mnchen-3ya.de', 'münchen.de', '1.2.3.4', '0x7f.1', '[::ffff:1.2.3.4]', '[2001:DB8::1]', 'a..b', '*.x.com', ''),
      fc.constantFrom('', ':80', ':443', ':8080', ':0', ':99999'),
      fc.string({ unit: fc.constantFrom('a', 'Z', '/', '\\', '.', '%', '2', 'e', 'E', '7', 'f', '?', '#', '&', '=', ' ', '\t', '\n', 'é', '~', '@', ':'), maxLength: 40 }),
    )
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

// Issue 15: the normal form is a fixed point (an indicator normalised by misp-sync and then looked
// up by the enricher, which normalises again, must not move), and no input makes it throw.
describe('normaliseUrl on arbitrary text (fast-check)', () => {
  it('never throws, is idempotent, and stays within MAX_URL_LENGTH', () => {
    fc.assert(
      fc.property(urlish, (raw) => {
        const once = normaliseUrl(raw);
        if (once === undefined) return;
        expect(once.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
        expect(normaliseUrl(once)).toBe(once);
      }),
      { seed: 15_005, numRuns: 5000, endOnFailure: true },
    );
  });

  it('credentials, a trailing host dot and escapes of unreserved characters never change the normal form', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, validSchemes: ['http', 'https'] }),
        fc.constantFrom('u@', 'u:p@', 'a%20b:c@'),
        (url, userinfo) => {
          const plain = normaliseUrl(url);
          if (plain === undefined) return;
          const separator = url.indexOf('://') + 3;
          expect(normaliseUrl(`${url.slice(0, separator)}${userinfo}${url.slice(separator)}`)).toBe(plain);
          const escaped = plain.replace(/~/g, '%7e');
          expect(normaliseUrl(escaped)).toBe(plain);
        },
      ),
      { seed: 15_006, numRuns: 2000, endOnFailure: true },
    );
  });
});
