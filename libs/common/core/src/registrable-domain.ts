import { getDomain } from 'tldts';

/**
 * tldts options: the input is already a normalised domain (lower-case, punycode, no port, never an
 * IP literal), so tldts neither extracts nor validates a hostname; private suffixes count, so
 * `x.github.io` is registrable and `github.io` is not.
 */
const OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false, detectIp: false, mixedInputs: false } as const;

/**
 * The registrable domain (eTLD+1) of a normalised domain by the Public Suffix List, ICANN and
 * private sections (`tldts`): `a.b.example.co.uk` → `example.co.uk`, `x.github.io` →
 * `x.github.io`, `a.evil.com` → `evil.com`; a name under an unlisted TLD takes the list's default
 * rule (`a.b.evil.zzz` → `evil.zzz`). Undefined when the name is itself a public suffix (`co.uk`,
 * `github.io`, `com`) or a single label (`localhost`).
 */
export function registrableDomain(domain: string): string | undefined {
  return getDomain(domain, OPTIONS) ?? undefined;
}
