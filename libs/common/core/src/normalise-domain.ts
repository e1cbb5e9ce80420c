import { domainToASCII } from 'node:url';
import { isDigit } from './json-lexer';

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * Normalise a domain name, or return undefined when it is not one.
 *
 * - trims, lower-cases, strips one trailing dot (`Evil.COM.` → `evil.com`);
 * - IDN → punycode (`münchen.de` → `xn--mnchen-3ya.de`) with node's WHATWG/UTS-46 mapping, which
 *   is used only for non-ASCII input: for ASCII it would also turn `0x7f.1` into `127.0.0.1`;
 * - accepts letters, digits, hyphen and underscore (underscores are common in real DNS names and
 *   MISP data); labels may start or end with a hyphen, as malware domains sometimes do;
 * - rejects empty names and labels, labels over 63 and names over 253 characters, any other
 *   character (spaces, `*`, `:`, `/`, `@`, brackets), and IP literals: a name whose last label is
 *   numeric (`1.2.3.4`, `10`) or hex (`0x7f`) is an address in WHATWG terms, never a domain.
 *
 * Single-label names (`localhost`) are accepted: they are valid names and simply never match.
 */
export function normaliseDomain(raw: string): string | undefined {
  let name = raw.trim();
  if (name.length > 0 && name.charCodeAt(name.length - 1) === 0x2e) name = name.slice(0, -1);
  if (name.length === 0) return undefined;
  if (!isAscii(name)) {
    name = domainToASCII(name);
    if (name.length === 0) return undefined;
    // UTS-46 mapping can produce a trailing dot (`evil.com。`), which the first strip did not see.
    if (name.charCodeAt(name.length - 1) === 0x2e) name = name.slice(0, -1);
  } else {
    name = name.toLowerCase();
  }
  return isValidAsciiDomain(name) ? name : undefined;
}

/**
 * The domain and its parent domains on label boundaries, most specific first, down to
 * `minLabels` labels: `parentDomains('a.b.evil.com')` → `['a.b.evil.com', 'b.evil.com', 'evil.com']`.
 * The domain itself is always the first element, even when it has fewer than `minLabels` labels.
 * Expects a normalised domain; `notevil.com` never yields `evil.com` because cuts happen only after a dot.
 */
export function parentDomains(domain: string, minLabels = 2): string[] {
  const result = [domain];
  let labels = 1;
  for (let i = 0; i < domain.length; i++) if (domain.charCodeAt(i) === 0x2e) labels++;
  let start = domain.indexOf('.');
  while (start !== -1 && labels - 1 >= minLabels) {
    labels--;
    result.push(domain.slice(start + 1));
    start = domain.indexOf('.', start + 1);
  }
  return result;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7e) return false;
  return true;
}

/**
 * Whether `text[start…end)` is already a normalised plain domain, read in place (no string built):
 * what `normaliseDomain(host) === host && !host.includes('xn--')` says of that host. The URL fast
 * path's host check.
 */
export function isNormalPlainDomainAt(text: string, start: number, end: number): boolean {
  if (end <= start || text.charCodeAt(end - 1) === 0x2e) return false;
  const xn = text.indexOf('xn--', start);
  if (xn !== -1 && xn + 4 <= end) return false;
  return isValidAsciiDomain(text, start, end);
}

/** Lower-case LDH + underscore labels, length limits, and a last label that is not a number (of `name[start…end)`). */
function isValidAsciiDomain(name: string, start = 0, end = name.length): boolean {
  if (end - start > MAX_DOMAIN_LENGTH) return false;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    const code = i === end ? 0x2e : name.charCodeAt(i);
    if (code === 0x2e) {
      const labelLength = i - labelStart;
      if (labelLength === 0 || labelLength > MAX_LABEL_LENGTH) return false;
      labelStart = i + 1;
    } else if (!isLabelChar(code)) {
      return false;
    }
  }
  return !isNumericLabel(name, Math.max(start, name.lastIndexOf('.', end - 1) + 1), end);
}

function isLabelChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x5f // _
  );
}

/**
 * WHATWG's "ends in a number" check on the label `name[start…end)`: decimal, or `0x` followed by
 * lower-case hex digits (possibly none). Read in place: no label string per domain on the hot path.
 */
export function isNumericLabel(name: string, start = 0, end = name.length): boolean {
  if (start >= end) return false;
  let i = start;
  while (i < end && isDigit(name.charCodeAt(i))) i++;
  if (i === end) return true;
  if (end - start < 2 || name.charCodeAt(start) !== 0x30 || name.charCodeAt(start + 1) !== 0x78) return false;
  for (i = start + 2; i < end; i++) {
    const code = name.charCodeAt(i);
    if (!isDigit(code) && !(code >= 0x61 && code <= 0x66)) return false;
  }
  return true;
}
