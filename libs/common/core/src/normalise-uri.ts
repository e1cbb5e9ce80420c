import { MAX_URL_LENGTH } from './normalise-url';

/**
 * Normalise a MISP `uri` attribute: a path, possibly with a query (`/gate.php?id=1`).
 * Trimmed; must start with `/`; no whitespace or control characters inside (a URI in a request
 * line cannot contain them unencoded), at most MAX_URL_LENGTH characters. Case and
 * percent-encoding are kept as given: paths are case-sensitive on most servers.
 */
export function normaliseUri(raw: string): string | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH || text.charCodeAt(0) !== 0x2f) return undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f) || isUnicodeSpace(code)) return undefined;
  }
  return text;
}

/** Unicode white space outside ASCII (NBSP, the U+2000 block, line/paragraph separators, ideographic space...). */
function isUnicodeSpace(code: number): boolean {
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
