import { normaliseDomain } from './normalise-domain';

const MAX_LOCAL_PART_LENGTH = 64;

/**
 * Normalise an email address, or return undefined.
 *
 * Trimmed; exactly one `@`; no whitespace or control characters; a non-empty local part of at
 * most 64 characters; a domain part that `normaliseDomain` accepts (so IDN → punycode, no
 * `[1.2.3.4]` literals). The local part is lower-cased too: RFC 5321 lets it be case-sensitive,
 * but mail systems match it case-insensitively in practice and a sender can vary the case at will.
 * Quoted local parts (which could contain `@` or spaces) are not supported.
 */
export function normaliseEmail(raw: string): string | undefined {
  const text = raw.trim();
  const at = text.indexOf('@');
  if (at < 1 || at > MAX_LOCAL_PART_LENGTH || text.indexOf('@', at + 1) !== -1) return undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x22 || (code >= 0x80 && code <= 0x9f) || code === 0xa0 || code === 0x3000) return undefined;
  }
  const domain = normaliseDomain(text.slice(at + 1));
  if (domain === undefined) return undefined;
  return `${text.slice(0, at).toLowerCase()}@${domain}`;
}
