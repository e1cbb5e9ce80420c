import { isNormalPlainDomainAt, normaliseDomain } from './normalise-domain';
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
 * or when it or its normal form is longer than MAX_URL_LENGTH. The rules, one spec table each,
 * are in docs/matching.md; in short:
 *
 * Parsing is WHATWG `URL`'s, so a URL means what a browser makes of it: the scheme and host are
 * lower-cased, an IDN host becomes punycode, a numeric host (`0x7f.1`) a dotted quad, the default
 * port (80 http/ws, 443 https/wss, 21 ftp) is dropped, an empty path becomes `/`, dot segments are
 * resolved, `\` counts as `/` (`http:\\evil.com\a` is `http://evil.com/a`), a special scheme
 * needs no slashes (`http:evil.com`), tabs and newlines inside are removed, and spaces and control
 * characters are percent-encoded. On top of that, what cannot change the resource contacted goes:
 *
 * - the userinfo (`user:pass@`): credentials are not part of the resource, and adding them must
 *   not let a URL slip past an indicator;
 * - the fragment: it never leaves the client;
 * - one trailing dot of the host (`evil.com.` is `evil.com`, as for domains);
 * - an IPv4-mapped IPv6 host (`[::ffff:1.2.3.4]`) becomes the IPv4 address, as for ips;
 * - percent-escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`) are decoded and every other
 *   escape's hex is upper-cased (RFC 3986 §6.2.2); an empty query (a bare `?`) is dropped.
 * Case elsewhere in the path and query is kept: paths are case-sensitive on most servers.
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
  if (!hasScheme(text)) {
    if (!startsWithHostAndPort(text)) return undefined;
    input = `http://${text}`;
  }
  const url = URL.parse(input);
  if (url === null || !SUPPORTED_PROTOCOLS.has(url.protocol)) return undefined;
  const host = hostOf(url);
  if (host === undefined) return undefined;
  const hostname = url.hostname;
  if (hostname.charCodeAt(0) === 0x5b) {
    // `[::ffff:1.2.3.4]` (WHATWG writes `[::ffff:102:304]`) is the IPv4 host `1.2.3.4`.
    if (host.indexOf(':') === -1) url.hostname = host;
  } else if (hostname.charCodeAt(hostname.length - 1) === 0x2e) {
    url.hostname = hostname.slice(0, -1);
  }
  // The origin part (scheme, host, port) is already normal; the path and query get the escape rules.
  const rest = normaliseEscapes(url.search === '' ? url.pathname : url.pathname + url.search);
  const href = `${url.protocol}//${url.host}${rest}`;
  return href.length > MAX_URL_LENGTH ? undefined : href;
}

/**
 * RFC 3986 §6.2.2 on a serialised path and query: a percent-escape of an unreserved character is
 * replaced by the character, every other escape gets upper-case hex; a `%` not followed by two hex
 * digits is left alone. WHATWG has already resolved escaped dot segments (`/%2e%2e/`), so a
 * decoded dot can only land inside a longer segment and never creates a new one.
 */
function normaliseEscapes(text: string): string {
  let percent = text.indexOf('%');
  if (percent === -1) return text;
  let out = '';
  let copied = 0;
  while (percent !== -1) {
    const high = hexValue(text.charCodeAt(percent + 1));
    const low = high === -1 ? -1 : hexValue(text.charCodeAt(percent + 2));
    if (low !== -1) {
      const code = high * 16 + low;
      out += text.slice(copied, percent) + (isUnreserved(code) ? String.fromCharCode(code) : `%${HEX[high] as string}${HEX[low] as string}`);
      copied = percent + 3;
      percent = text.indexOf('%', copied);
    } else {
      percent = text.indexOf('%', percent + 1);
    }
  }
  return out + text.slice(copied);
}

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** RFC 3986 unreserved: `A-Z a-z 0-9 - . _ ~`. */
function isUnreserved(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e;
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
 * touches (and no `%`), with no dot segment, no fragment and no empty query. Such a URL is its own `href` (plus the `/` WHATWG
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
  // the host read in place (normaliseDomain(host) === host without `xn--`), no host string built
  if (!isNormalPlainDomainAt(text, hostStart, hostEnd)) return undefined;
  let inQuery = false;
  for (let i = hostEnd; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3f) {
      inQuery = true;
      continue;
    }
    if (!isFastPathChar(code)) return undefined;
    // A dot segment (`/./`, `/../`, `/.`) could be rewritten by the path parser.
    if (!inQuery && code === 0x2e && text.charCodeAt(i - 1) === 0x2f) return undefined;
  }
  // A bare `?` at the end is an empty query, which the slow path drops.
  if (inQuery && text.indexOf('?') === text.length - 1) return undefined;
  if (hostEnd === text.length) return `${text}/`;
  if (text.charCodeAt(hostEnd) === 0x3f) return `${text.slice(0, hostEnd)}/${text.slice(hostEnd)}`;
  return text;
}

/** Letters, digits and `-._~!$&()*+,;=:@/`: printable characters outside every WHATWG percent-encode set (and not `\`, `#`, `'`, nor `%`, whose escapes the slow path normalises). */
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
      return true;
    default:
      return false;
  }
}

/**
 * Whether the text starts with a scheme to hand to WHATWG as it is: a supported one followed by
 * `:` (whatever comes next: `http:\\evil.com`, `http:evil.com`), or any scheme followed by `://`
 * (rejected later as unsupported). Anything else (`evil.com:8080/x` has the shape of a scheme too)
 * is schemeless. Scheme syntax is RFC 3986's: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
 */
function hasScheme(text: string): boolean {
  let end = 0;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const lower = code | 0x20;
    const isLetter = lower >= 0x61 && lower <= 0x7a;
    if (!(isLetter || (end > 0 && (isDigit(code) || code === 0x2b || code === 0x2d || code === 0x2e)))) break;
    end++;
  }
  if (end === 0 || text.charCodeAt(end) !== 0x3a) return false;
  if (SUPPORTED_PROTOCOLS.has(`${text.slice(0, end).toLowerCase()}:`)) return true;
  return text.charCodeAt(end + 1) === 0x2f && text.charCodeAt(end + 2) === 0x2f;
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
