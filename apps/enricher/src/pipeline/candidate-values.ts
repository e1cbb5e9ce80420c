import { registrableParentDomains } from '@iocflow/core';
import type { LookupQuery } from '../lookup/indicator-lookup';

/**
 * Domains whose candidate lists are remembered, per generation. Log domains repeat heavily (a few
 * hot names, a long tail), so a memo saves the Public Suffix List walk for most lookups. Two
 * generations approximate least-recently-used without bookkeeping per hit: lookups fill the young
 * one; when it is full it becomes the old one (the previous old one is dropped), and a name found
 * only in the old one moves back to the young one. At most 2 × this many entries (~4 MB).
 */
export const CANDIDATE_MEMO_ENTRIES = 16_384;

let young = new Map<string, readonly string[]>();
let old = new Map<string, readonly string[]>();

/**
 * The indicator values that match a query, most specific first: the value itself, then for a
 * domain with parent matching its parent domains on label boundaries down to its registrable
 * domain by the Public Suffix List, private suffixes included (`a.b.evil.com` → `a.b.evil.com`,
 * `b.evil.com`, `evil.com`; `a.b.example.co.uk` stops at `example.co.uk`; `x.github.io` tries
 * only itself; never `com`, `co.uk`, `github.io`, never `notevil.com`).
 * IP ranges are not listed: only the table store can match them (longest prefix).
 */
export function candidateValues(query: LookupQuery): readonly string[] {
  if (query.kind !== 'domain' || !query.parents) return [query.value];
  const value = query.value;
  if (!hasMoreThanTwoLabels(value)) return [value];
  let candidates = young.get(value);
  if (candidates !== undefined) return candidates;
  candidates = old.get(value) ?? registrableParentDomains(value);
  if (young.size >= CANDIDATE_MEMO_ENTRIES) {
    old = young;
    young = new Map();
  }
  young.set(value, candidates);
  return candidates;
}

/** A name of one or two labels is its own only candidate whatever the list says (`evil.com`, `co.uk`). */
function hasMoreThanTwoLabels(domain: string): boolean {
  const last = domain.lastIndexOf('.');
  return last > 0 && domain.lastIndexOf('.', last - 1) !== -1;
}
