import { registrableParentDomains } from '@iocflow/core';
import type { LookupQuery } from './indicator-lookup';

/**
 * The indicator values that match a query, most specific first: the value itself, then for a
 * domain with parent matching its parent domains on label boundaries down to its registrable
 * domain by the Public Suffix List, private suffixes included (`a.b.evil.com` → `a.b.evil.com`,
 * `b.evil.com`, `evil.com`; `a.b.example.co.uk` stops at `example.co.uk`; `x.github.io` tries
 * only itself; never `com`, `co.uk`, `github.io`, never `notevil.com`).
 * IP ranges are not listed: only the table store can match them (longest prefix).
 *
 * A name of one or two labels is its own only candidate whatever the list says, so only longer
 * names consult it (~0.35 µs each; a memo of recent names cost as much as it saved on the
 * benchmark load: docs/benchmarks.md, "Parent domains bounded by the Public Suffix List").
 */
export function candidateValues(query: LookupQuery): readonly string[] {
  if (!hasParentCandidates(query)) return [query.value];
  return registrableParentDomains(query.value);
}

/**
 * Whether `candidateValues(query)` may hold more than the query's own value: when not, a store
 * probes `query.value` alone without asking for the list (no array per query on the hot path).
 */
export function hasParentCandidates(query: LookupQuery): boolean {
  return query.kind === 'domain' && query.parents && hasMoreThanTwoLabels(query.value);
}

function hasMoreThanTwoLabels(domain: string): boolean {
  const last = domain.lastIndexOf('.');
  return last > 0 && domain.lastIndexOf('.', last - 1) !== -1;
}
