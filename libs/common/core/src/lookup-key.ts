import { createHash } from 'node:crypto';
import type { ObservableKind } from './observable-kind';

/** memcached's key limit (250 bytes); also the limit we hold Kafka keys to, so both stores agree. */
export const MAX_KEY_BYTES = 250;

/**
 * Where misp-sync records its sync state in memcached. `iocflow` is neither an observable kind nor a
 * MISP attribute type, so no indicator key (`<kind>-…`, `<kind>#…`, `<misp type>-…`) can equal it.
 */
export const SYNC_SENTINEL_KEY = 'iocflow-sync-state';

/**
 * THE lookup key of a normalised observable, shared by misp-sync (memcached and the compacted
 * topic) and the enricher: `<kind>-<value>` (`domain-evil.com`, `ip-10.0.0.0/8`), which is
 * the seed pipeline's `domain-%{[destination][domain]}` form.
 *
 * When that key would be unsafe for memcached — over 250 bytes, or a value with whitespace, a
 * control character or non-ASCII (any byte outside 0x21..0x7e; a CR/LF in a key injects memcached
 * commands) — the key is `<kind>#<sha256 hex of the value's UTF-8>` instead.
 *
 * The two forms cannot collide: a kind name is `[a-z0-9]+`, so the character right after the
 * longest leading `[a-z0-9]` run of a key is its separator — `-` for the plain form, `#` for the
 * hashed form — and that character also fixes which kind the key belongs to, whatever the value is.
 */
export function lookupKey(kind: ObservableKind, normalisedValue: string): string {
  return namespacedKey(kind, normalisedValue);
}

/**
 * The seed pipeline's key, `<MISP type>-<value>` (`ip-dst-1.2.3.4`), for deployments whose
 * Logstash still looks up by MISP type. Same safety rule as `lookupKey` (`<type>#<sha256>`).
 * A type that is not a plain MISP type token (`[a-z0-9|-]`, ≤ 64 characters) gives
 * `#<sha256 of type NUL value>`, which starts with `#` and so collides with nothing else.
 */
export function seedCompatKey(mispType: string, value: string): string {
  if (!isMispTypeToken(mispType)) return `#${sha256Hex(`${mispType}\u0000${value}`)}`;
  return namespacedKey(mispType, value);
}

/**
 * Whether `key` can be sent to memcached verbatim: 1..250 bytes of printable ASCII (0x21..0x7e).
 * The memcached client checks every key with it as the last line of defence.
 */
export function isSafeMemcachedKey(key: string): boolean {
  return key.length >= 1 && key.length <= MAX_KEY_BYTES && isPrintableAscii(key);
}

/**
 * Whether the key of `value` under `namespace` is the plain `<namespace>-<value>` (not hashed):
 * `lookupKey(kind, v) === \`${kind}-${v}\`` exactly when `isPlainKeyValue(kind, v)`. Lets a store
 * keyed by value per kind (the enricher's table) skip building the key string.
 */
export function isPlainKeyValue(namespace: string, value: string): boolean {
  // Printable ASCII is one byte per character, so length is the byte count.
  return namespace.length + 1 + value.length <= MAX_KEY_BYTES && value.length > 0 && isPrintableAscii(value);
}

function namespacedKey(namespace: string, value: string): string {
  if (isPlainKeyValue(namespace, value)) return `${namespace}-${value}`;
  return `${namespace}#${sha256Hex(value)}`;
}

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

function isMispTypeToken(type: string): boolean {
  if (type.length === 0 || type.length > 64) return false;
  for (let i = 0; i < type.length; i++) {
    const code = type.charCodeAt(i);
    const ok = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x7c;
    if (!ok) return false;
  }
  return true;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
