import { domainToASCII } from 'node:url';

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

/** Lower-case LDH + underscore labels, length limits, and a last label that is not a number. */
function isValidAsciiDomain(name: string): boolean {
  if (name.length > MAX_DOMAIN_LENGTH) return false;
  let labelStart = 0;
  for (let i = 0; i <= name.length; i++) {
    const code = i === name.length ? 0x2e : name.charCodeAt(i);
    if (code === 0x2e) {
      const labelLength = i - labelStart;
      if (labelLength === 0 || labelLength > MAX_LABEL_LENGTH) return false;
      labelStart = i + 1;
    } else if (!isLabelChar(code)) {
      return false;
    }
  }
  const lastLabel = name.slice(name.lastIndexOf('.') + 1);
  return !isNumericLabel(lastLabel);
}

function isLabelChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x5f // _
  );
}

/** WHATWG's "ends in a number" check: decimal, or `0x` followed by hex digits (possibly none). */
function isNumericLabel(label: string): boolean {
  if (/^[0-9]+$/.test(label)) return true;
  return /^0x[0-9a-f]*$/.test(label);
}
