import { normaliseDomain, normaliseEmail, normaliseIp, normaliseUrl } from '@iocflow/core';

/** The MISP types `detectValueType` answers with. */
export type DetectedType = 'ip-dst' | 'url' | 'email' | 'domain' | 'md5' | 'sha1' | 'sha256' | 'sha512';

const HASH_TYPES: Readonly<Record<number, DetectedType>> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
const HEX = /^[0-9a-f]+$/i;
/** A top-level label: letters (or punycode), so that `1.2.3` or `v2.10` are not taken for domains. */
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;
/** A supported scheme followed by `:` and a slash or backslash: `http:\\evil.com` is a URL as browsers read it (docs/matching.md). */
const SCHEME_SLASHES = /^(?:https?|ftp|wss?):[/\\]/i;

/**
 * The MISP type of one (already refanged) feed value, decided by the core normalisers so that a
 * value is only typed as what it will normalise as: hashes by hex length, then an IP address or
 * CIDR range, a URL (with a scheme, or a host followed by a path), an email address, a domain.
 * A domain needs a dot and an alphabetic last label; there is no list of real TLDs, so a file name
 * such as `report.pdf` is still taken for a domain (choose FEED_VALUE_TYPE for such feeds).
 * Undefined when the value is none of these.
 */
export function detectValueType(value: string): DetectedType | undefined {
  const text = value.trim();
  if (text === '' || /\s/.test(text)) return undefined;
  const hashType = HEX.test(text) ? HASH_TYPES[text.length] : undefined;
  if (hashType !== undefined) return hashType;
  if (normaliseIp(text) !== undefined) return 'ip-dst';
  if (text.includes('://') || SCHEME_SLASHES.test(text)) return normaliseUrl(text) === undefined ? undefined : 'url';
  const at = text.indexOf('@');
  if (at !== -1) return normaliseEmail(text) !== undefined && isDomain(text.slice(at + 1)) ? 'email' : undefined;
  const slash = text.indexOf('/');
  if (slash > 0) {
    const host = text.slice(0, slash);
    return (isDomain(host) || normaliseIp(host) !== undefined) && normaliseUrl(text) !== undefined ? 'url' : undefined;
  }
  return isDomain(text) ? 'domain' : undefined;
}

function isDomain(text: string): boolean {
  const domain = normaliseDomain(text);
  if (domain === undefined) return false;
  const dot = domain.lastIndexOf('.');
  return dot > 0 && TLD.test(domain.slice(dot + 1));
}
