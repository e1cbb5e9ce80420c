import { normaliseDomain } from './normalise-domain';
import { normaliseEmail } from './normalise-email';
import { normaliseHash } from './normalise-hash';
import { normaliseIp } from './normalise-ip';
import { normaliseUri } from './normalise-uri';
import { normaliseUrl } from './normalise-url';
import type { Observable, ObservableKind } from './observable-kind';

/**
 * Normalise a raw value as an observable of `kind`; undefined when it is not a valid one.
 * The single entry point both misp-sync (indicator values) and the enricher (log field values)
 * use, so that an indicator and a log value meet on the same text. No regexes with backtracking
 * on this path: every normaliser is a linear scan.
 */
export function normaliseObservable(kind: ObservableKind, raw: string): Observable | undefined {
  const value = normaliseValue(kind, raw);
  return value === undefined ? undefined : { kind, value };
}

/** As `normaliseObservable`, returning only the normalised text (no object allocated). */
export function normaliseValue(kind: ObservableKind, raw: string): string | undefined {
  switch (kind) {
    case 'domain':
      return normaliseDomain(raw);
    case 'ip':
      return normaliseIp(raw);
    case 'url':
      return normaliseUrl(raw);
    case 'uri':
      return normaliseUri(raw);
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return normaliseHash(kind, raw);
    case 'email':
      return normaliseEmail(raw);
  }
}
