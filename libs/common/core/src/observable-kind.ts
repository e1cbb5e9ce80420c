/**
 * The kinds of observable iocflow matches, and the memcached key namespace of each.
 *
 * A MISP attribute type maps to one or more observables (`domain|ip` → a domain and an ip;
 * `filename|sha256` → a sha256). The namespace is the prefix of the lookup key
 * (`domain-evil.com`), compatible with the seed pipeline's Logstash filter.
 */
export const OBSERVABLE_KINDS = ['domain', 'ip', 'url', 'uri', 'md5', 'sha1', 'sha256', 'sha512', 'email'] as const;

export type ObservableKind = (typeof OBSERVABLE_KINDS)[number];

export function isObservableKind(value: string): value is ObservableKind {
  return (OBSERVABLE_KINDS as readonly string[]).includes(value);
}

/** One normalised observable: the unit that is keyed, stored and looked up. */
export interface Observable {
  readonly kind: ObservableKind;
  /** The normalised value (see docs/matching.md); never the raw input. */
  readonly value: string;
}
