import { parentDomains } from '@iocflow/core';
import type { LookupQuery } from './indicator-lookup';

/**
 * The indicator values that match a query, most specific first: the value itself, then for a
 * domain with parent matching its parent domains on label boundaries down to two labels
 * (`a.b.evil.com` → `a.b.evil.com`, `b.evil.com`, `evil.com`; never `com`, never `notevil.com`).
 * IP ranges are not listed: only the table store can match them (longest prefix).
 */
export function candidateValues(query: LookupQuery): readonly string[] {
  if (query.kind !== 'domain' || !query.parents) return [query.value];
  return parentDomains(query.value, 2);
}
