import type { ObservableKind } from './observable-kind';

export type HashKind = Extract<ObservableKind, 'md5' | 'sha1' | 'sha256' | 'sha512'>;

/** Hex digits per hash kind. */
export const HASH_LENGTHS: Readonly<Record<HashKind, number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** Lower-case hex of exactly the kind's length (after trimming), or undefined. */
export function normaliseHash(kind: HashKind, raw: string): string | undefined {
  const text = raw.trim();
  if (text.length !== HASH_LENGTHS[kind]) return undefined;
  let hasUpper = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66)) continue;
    if (code >= 0x41 && code <= 0x46) {
      hasUpper = true;
      continue;
    }
    return undefined;
  }
  return hasUpper ? text.toLowerCase() : text;
}
