import { normaliseDomain } from './normalise-domain';
import { normaliseIp, parseIp } from './normalise-ip';

/** Schemes whose URLs have a host and a WHATWG-defined default port. Other schemes are rejected. */
const SUPPORTED_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'ftp:', 'ws:', 'wss:']);

/**
 * Longest URL (or MISP `uri`) that is an observable, in characters, before and after
 * normalisation: longer input is not a URL anyone matches on, refusing it bounds the work per log
 * field, and it bounds an indicator record (percent-encoding can make the normal form up to six
 * times longer than its input: 30,000 non-ASCII characters became 180,000).
 */
export const MAX_URL_LENGTH = 32_768;

/**
 * Normalise a URL, or return undefined when it is not an http(s)/ftp/ws(s) URL with a valid host,
 * or when it or its normal form is longer than MAX_URL_LENGTH.
 *
 * Parsing and serialisation are WHATWG `URL`'s: the scheme and host are lower-cased, an IDN host
 * becomes punycode, the default port (80 http/ws, 443 https/wss, 21 ftp) is dropped, an empty path
 * becomes `/`, and path and query are kept as the URL serialiser writes them (spaces and control
 * characters percent-encoded, everything else as given). The fragment is dropped: it never leaves
 * the client, so it cannot be part of what was contacted.
 *
 * Schemeless input (`evil.com/path`, `1.2.3.4:8080/x`) is taken as `http://`: feeds and logs often
 * omit the scheme. It is only assumed when the text before the first `/`, `?` or `#` is a valid
 * host containing a dot, with an optional port, so `mailto:x@y`, `javascript:alert(1)` or
 * `Data/dtl.dat` are rejected, not reinterpreted.
 */
export function normaliseUrl(raw: string): string | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH) return undefined;
  const fast = alreadyNormalUrl(text);
  if (fast !== undefined) return fast;
  let input = text;
  if (!hasSchemeSeparator(text)) {
    if (!startsWithHostAndPort(text)) return undefined;
    input = `http://${text}`;
  }
  const url = URL.parse(input);
  if (url === null || !SUPPORTED_PROTOCOLS.has(url.protocol)) return undefined;
  if (hostOf(url) === undefined) return undefined;
  url.hash = '';
  const href = url.href;
  return href.length > MAX_URL_LENGTH ? undefined : href;
}

/**
 * The host of a URL as a normalised domain or IP address (IPv6 without brackets, IPv4-mapped as
 * IPv4), or undefined when the input is not a URL `normaliseUrl` accepts.
 */
export function urlHost(raw: string): string | undefined {
  const normalised = normaliseUrl(raw);
  if (normalised === undefined) return undefined;
  const url = URL.parse(normalised);
  return url === null ? undefined : hostOf(url);
}

function hostOf(url: URL): string | undefined {
  const hostname = url.hostname;
  if (hostname.length === 0) return undefined;
  if (hostname.charCodeAt(0) === 0x5b) return normaliseIp(hostname.slice(1, -1));
  // WHATWG has already turned every numeric host form into a dotted quad.
  return normaliseIp(hostname) ?? normaliseDomain(hostname);
}

/** Schemes the fast path takes, with their `://`: lower-case only (anything else goes to `URL`). */
const FAST_SCHEMES = ['http://', 'https://', 'ftp://', 'ws://', 'wss://'];

/**
 * The fast path for the common log value, a URL WHATWG would serialise unchanged: lower-case
 * supported scheme, a host that is already a normalised plain domain (lower-case LDH, no `xn--`
 * label, no port, no userinfo) and a path and query made only of characters no percent-encode set
 * touches, with no dot segment and no fragment. Such a URL is its own `href` (plus the `/` WHATWG
 * adds for an empty path), so no `URL` object is built. Returns undefined whenever anything is
 * unusual; the caller then takes the WHATWG path, which gives the same answer on everything this
 * accepts (checked against `URL` itself in the spec).
 */
function alreadyNormalUrl(text: string): string | undefined {
  let hostStart = -1;
  for (const scheme of FAST_SCHEMES) {
    if (text.startsWith(scheme)) {
      hostStart = scheme.length;
      break;
    }
  }
  if (hostStart === -1) return undefined;
  let hostEnd = hostStart;
  while (hostEnd < text.length) {
    const code = text.charCodeAt(hostEnd);
    if (code === 0x2f || code === 0x3f) break;
    // a-z 0-9 . - only: no port, userinfo, upper case, percent-escape or backslash in the fast path.
    if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d)) return undefined;
    hostEnd++;
  }
  if (hostEnd === hostStart) return undefined;
  const host = text.slice(hostStart, hostEnd);
  if (host.includes('xn--') || normaliseDomain(host) !== host) return undefined;
  let inQuery = false;
  for (let i = hostEnd; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3f) {
      inQuery = true;
      continue;
    }
    if (!isFastPathChar(code)) return undefined;
    // A dot segment (`/./`, `/../`, `/.`) or an escaped dot could be rewritten by the path parser.
    if (!inQuery && ((code === 0x2e && text.charCodeAt(i - 1) === 0x2f) || (code === 0x25 && text.charCodeAt(i + 1) === 0x32 && (text.charCodeAt(i + 2) | 0x20) === 0x65))) {
      return undefined;
    }
  }
  if (hostEnd === text.length) return `${text}/`;
  if (text.charCodeAt(hostEnd) === 0x3f) return `${text.slice(0, hostEnd)}/${text.slice(hostEnd)}`;
  return text;
}

/** Letters, digits and `-._~!$&()*+,;=:@/%`: printable characters outside every WHATWG percent-encode set (and not `\`, `#`, `'`). */
function isFastPathChar(code: number): boolean {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39)) return true;
  switch (code) {
    case 0x2d: // -
    case 0x2e: // .
    case 0x5f: // _
    case 0x7e: // ~
    case 0x21: // !
    case 0x24: // $
    case 0x26: // &
    case 0x28: // (
    case 0x29: // )
    case 0x2a: // *
    case 0x2b: // +
    case 0x2c: // ,
    case 0x3b: // ;
    case 0x3d: // =
    case 0x3a: // :
    case 0x40: // @
    case 0x2f: // /
    case 0x25: // %
      return true;
    default:
      return false;
  }
}

/** `<scheme>://` with a scheme of ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986). */
function hasSchemeSeparator(text: string): boolean {
  const separator = text.indexOf('://');
  if (separator < 1) return false;
  for (let i = 0; i < separator; i++) {
    const code = text.charCodeAt(i) | 0x20;
    const isLetter = code >= 0x61 && code <= 0x7a;
    if (i === 0 ? !isLetter : !(isLetter || isDigit(text.charCodeAt(i)) || '+-.'.includes(text.charAt(i)))) return false;
  }
  return true;
}

/** `host[:port]` up to the first `/`, `?` or `#`, where host is a domain, IPv4 or `[IPv6]`. */
function startsWithHostAndPort(text: string): boolean {
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2f || code === 0x3f || code === 0x23) {
      end = i;
      break;
    }
  }
  let host = text.slice(0, end);
  const closeBracket = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > closeBracket) {
    const port = host.slice(colon + 1);
    if (port.length === 0 || port.length > 5) return false;
    for (let i = 0; i < port.length; i++) if (!isDigit(port.charCodeAt(i))) return false;
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) return parseIp(host.slice(1, -1))?.family === 6;
  // A schemeless host needs a dot: `Data/dtl.dat` (seen in real MISP url attributes) is a path, not a URL.
  if (!host.includes('.')) return false;
  return normaliseDomain(host) !== undefined || parseIp(host)?.prefix === 32;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
