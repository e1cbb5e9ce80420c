import { parentDomains } from './normalise-domain';
import { registrableDomain } from './registrable-domain';

/**
 * The domain and its parent domains on label boundaries, most specific first, never above its
 * registrable domain (`registrableDomain`, the Public Suffix List with private suffixes):
 * `a.b.example.co.uk` → `a.b.example.co.uk`, `b.example.co.uk`, `example.co.uk` (never `co.uk`);
 * `x.github.io` → `x.github.io` only (never `github.io`). A domain that is itself a public suffix
 * or a single label yields only itself. Expects a normalised domain.
 */
export function registrableParentDomains(domain: string): string[] {
  const registrable = registrableDomain(domain);
  if (registrable === undefined || registrable.length === domain.length) return [domain];
  let labels = 1;
  for (let i = 0; i < registrable.length; i++) if (registrable.charCodeAt(i) === 0x2e) labels++;
  return parentDomains(domain, labels);
}
