import { IoError } from '../io-error';

const MAX_KEY_BYTES = 250;

/**
 * memcached's text protocol separates tokens with spaces and commands with CRLF, so a key is safe
 * only when it is 1–250 bytes of printable ASCII (0x21–0x7e). Anything else could end the command
 * early and inject another one (`x\r\nflush_all`).
 *
 * TODO: switch to `isSafeMemcachedKey` from `@iocflow/core` once lookup-key.ts lands there; the
 * rule is the same.
 */
export function isSafeMemcachedKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_KEY_BYTES) return false;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** Throws INVALID_KEY before anything reaches a socket; the message never echoes control bytes. */
export function assertSafeMemcachedKeys(keys: Iterable<string>): void {
  for (const key of keys) {
    if (typeof key !== 'string' || !isSafeMemcachedKey(key)) {
      throw new IoError('INVALID_KEY', `refused memcached key ${JSON.stringify(String(key)).slice(0, 80)}`);
    }
  }
}
