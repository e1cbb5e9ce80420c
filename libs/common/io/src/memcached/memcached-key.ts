import { isSafeMemcachedKey } from '@iocflow/core';
import { IoError } from '../io-error';

/**
 * Defence in depth behind the key rule of `@iocflow/core` (1–250 bytes of printable ASCII): the
 * text protocol separates tokens with spaces and commands with CRLF, so any other key could end
 * the command early and inject another one (`x\r\nflush_all`). Throws INVALID_KEY before anything
 * reaches a socket; the message shows the key JSON-escaped and truncated, never raw control bytes.
 */
export function assertSafeMemcachedKeys(keys: Iterable<string>): void {
  for (const key of keys) assertSafeMemcachedKey(key);
}

/** The same for one key. */
export function assertSafeMemcachedKey(key: string): void {
  if (typeof key !== 'string' || !isSafeMemcachedKey(key)) {
    throw new IoError('INVALID_KEY', `refused memcached key ${JSON.stringify(String(key)).slice(0, 80)}`);
  }
}
