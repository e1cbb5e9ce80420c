import { registrableParentDomains } from '@iocflow/core';
import type { LookupQuery } from '../lookup/indicator-lookup';

/**
 * Most domains whose candidate lists are remembered. Log domains repeat heavily (a few hot names,
 * a long tail), so a small memo saves the Public Suffix List walk for nearly every lookup; when it
 * is full it is emptied and refills with what is hot now, which bounds its memory (~2 MB) without
 * any bookkeeping per hit.
 */
export const CANDIDATE_MEMO_ENTRIES = 16_384;

const memo = new Map<string, readonly string[]>();

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
  const known = memo.get(query.value);
  if (known !== undefined) return known;
  const candidates: readonly string[] = registrableParentDomains(query.value);
  if (memo.size >= CANDIDATE_MEMO_ENTRIES) memo.clear();
  memo.set(query.value, candidates);
  return candidates;
}
