/**
 * A parsed IP address or CIDR range. `address` has its host bits cleared; a single address has
 * prefix 32 (IPv4) or 128 (IPv6). IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is parsed as IPv4.
 */
export interface ParsedIp {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

const IPV4_BITS = 32;
const IPV6_BITS = 128;
const IPV4_MAPPED_PREFIX = 0xffffn << 32n;
const IPV4_MAPPED_MASK = ((1n << 96n) - 1n) << 32n;

/**
 * Parse an IPv4/IPv6 address or CIDR range strictly (see `normaliseIp` for the rules).
 * Returns undefined for anything else.
 */
export function parseIp(raw: string): ParsedIp | undefined {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  let prefix: number | undefined;
  if (slash !== -1) {
    prefix = parsePrefix(text, slash + 1);
    if (prefix === undefined) return undefined;
  }
  if (addressText.indexOf(':') === -1) {
    const v4 = parseIpv4(addressText, 0, addressText.length);
    if (v4 === undefined) return undefined;
    return makeParsed(4, BigInt(v4), prefix ?? IPV4_BITS);
  }
  const v6 = parseIpv6(addressText, slash !== -1);
  if (v6 === undefined) return undefined;
  const v6Prefix = prefix ?? IPV6_BITS;
  if (v6Prefix > IPV6_BITS) return undefined;
  // IPv4-mapped addresses are IPv4 on the wire (dual-stack sockets log them this way).
  if (v6Prefix >= 96 && (v6 & IPV4_MAPPED_MASK) === IPV4_MAPPED_PREFIX) {
    return makeParsed(4, v6 & 0xffffffffn, v6Prefix - 96);
  }
  return makeParsed(6, v6, v6Prefix);
}

/**
 * Normalise an IP address or CIDR range to its canonical text, or return undefined.
 *
 * - IPv4: strict dotted quad; a leading zero (`010.1.1.1`) is rejected because tools disagree on
 *   whether it is octal; no shorthand forms (`10.1`, `0x7f.0.0.1`).
 * - IPv6: RFC 5952 text (lower-case, no leading zeros, the longest run of two or more zero groups
 *   compressed, the first on a tie); a zone id (`fe80::1%eth0`) is dropped; embedded IPv4 in the
 *   last 32 bits is accepted on input.
 * - `::ffff:1.2.3.4` → `1.2.3.4` (and `::ffff:1.2.3.0/120` → `1.2.3.0/24`).
 * - CIDR: host bits are masked (`10.1.2.3/8` → `10.0.0.0/8`); `/32` and `/128` collapse to the bare
 *   address; the prefix is decimal without leading zeros. `/0` is valid here: whether such a range is
 *   acceptable as an indicator is policy, not syntax.
 */
export function normaliseIp(raw: string): string | undefined {
  // Fast path for the common log value, a bare dotted quad: strict parsing admits only the
  // canonical text (no leading zeros, no shorthand), so the input is its own normal form.
  if (raw.length >= 7 && raw.length <= 15 && parseIpv4(raw, 0, raw.length) !== undefined) return raw;
  const parsed = parseIp(raw);
  return parsed === undefined ? undefined : formatIp(parsed);
}

/** Canonical text of a parsed address or range (the inverse of `parseIp` on canonical input). */
export function formatIp(ip: ParsedIp): string {
  const text = ip.family === 4 ? formatIpv4(Number(ip.address)) : formatIpv6(ip.address);
  const full = ip.family === 4 ? IPV4_BITS : IPV6_BITS;
  return ip.prefix === full ? text : `${text}/${ip.prefix}`;
}

/** Bits of the address family: 32 or 128. */
export function ipFamilyBits(family: 4 | 6): number {
  return family === 4 ? IPV4_BITS : IPV6_BITS;
}

/** `address` with everything after the first `prefix` bits cleared. */
export function maskAddress(address: bigint, prefix: number, family: 4 | 6): bigint {
  const bits = BigInt(ipFamilyBits(family) - prefix);
  return (address >> bits) << bits;
}

function makeParsed(family: 4 | 6, address: bigint, prefix: number): ParsedIp | undefined {
  if (prefix > ipFamilyBits(family)) return undefined;
  return { family, address: maskAddress(address, prefix, family), prefix };
}

/** Decimal 0..128 without sign or leading zeros, running to the end of `text`. */
function parsePrefix(text: string, start: number): number | undefined {
  const length = text.length - start;
  if (length < 1 || length > 3) return undefined;
  if (length > 1 && text.charCodeAt(start) === 0x30) return undefined;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value <= IPV6_BITS ? value : undefined;
}

/** Strict dotted quad in text[start, end) as an unsigned 32-bit number. */
function parseIpv4(text: string, start: number, end: number): number | undefined {
  let result = 0;
  let octets = 0;
  let i = start;
  while (octets < 4) {
    const octetStart = i;
    let value = 0;
    while (i < end) {
      const digit = text.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      i++;
    }
    const digits = i - octetStart;
    if (digits === 0 || digits > 3 || value > 255) return undefined;
    if (digits > 1 && text.charCodeAt(octetStart) === 0x30) return undefined;
    result = result * 256 + value;
    octets++;
    if (octets < 4) {
      if (i >= end || text.charCodeAt(i) !== 0x2e) return undefined;
      i++;
    }
  }
  return i === end ? result : undefined;
}

/** IPv6 text (optionally with a zone id, unless it is the address part of a CIDR) as a 128-bit bigint. */
function parseIpv6(text: string, isRange: boolean): bigint | undefined {
  let end = text.length;
  const zone = text.indexOf('%');
  if (zone !== -1) {
    if (isRange || zone === text.length - 1) return undefined;
    end = zone;
  }
  if (end < 2 || end > 45) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let i = 0;
  if (text.charCodeAt(0) === 0x3a) {
    if (text.charCodeAt(1) !== 0x3a) return undefined;
    compressed = true;
    groups = tail;
    i = 2;
    if (i === end) return 0n;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    while (i < end && i - groupStart < 5) {
      const nibble = hexValue(text.charCodeAt(i));
      if (nibble === -1) break;
      value = value * 16 + nibble;
      i++;
    }
    const digits = i - groupStart;
    if (i < end && text.charCodeAt(i) === 0x2e) {
      // Embedded IPv4: must be the last 32 bits.
      const v4 = parseIpv4(text, groupStart, end);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    groups.push(value);
    if (i === end) break;
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i++;
    if (i < end && text.charCodeAt(i) === 0x3a) {
      if (compressed) return undefined;
      compressed = true;
      groups = tail;
      i++;
    } else if (i === end) {
      return undefined; // a single trailing colon
    }
  }
  const explicit = head.length + tail.length;
  if (compressed ? explicit > 7 : explicit !== 8) return undefined;
  let result = 0n;
  for (const group of head) result = (result << 16n) | BigInt(group);
  result <<= BigInt(16 * (8 - head.length - tail.length));
  for (const group of tail) result = (result << 16n) | BigInt(group);
  return result;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function formatIpv4(value: number): string {
  return `${(value >>> 24) & 0xff}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

function formatIpv6(value: bigint): string {
  const groups: number[] = new Array<number>(8);
  for (let g = 7; g >= 0; g--) {
    groups[g] = Number(value & 0xffffn);
    value >>= 16n;
  }
  // Longest run of at least two zero groups; the first one wins a tie (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLength = 1;
  for (let g = 0; g < 8; ) {
    if (groups[g] !== 0) {
      g++;
      continue;
    }
    const start = g;
    while (g < 8 && groups[g] === 0) g++;
    if (g - start > bestLength) {
      bestStart = start;
      bestLength = g - start;
    }
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((group) => group.toString(16)).join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
