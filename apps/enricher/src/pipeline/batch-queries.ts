import type { LookupQuery } from '../lookup/indicator-lookup';

/**
 * The distinct lookup queries of one batch, in first-seen order, and the index of each.
 *
 * One map per (kind, parents) keyed by the normalised value, rather than one map keyed by a
 * `kind|parents|value` string: no string is built per observation, and the value's hash, computed
 * once here, is cached in the string and reused by the stores' own maps (the table, the memcached
 * lookup's cache).
 */
export class BatchQueries {
  readonly queries: LookupQuery[] = [];
  private readonly exact = new Map<LookupQuery['kind'], Map<string, number>>();
  private readonly withParents = new Map<LookupQuery['kind'], Map<string, number>>();

  /** The index of the query in `queries`, added when new. */
  indexOf(kind: LookupQuery['kind'], value: string, parents: boolean): number {
    const ids = parents ? this.withParents : this.exact;
    let byValue = ids.get(kind);
    if (byValue === undefined) {
      byValue = new Map();
      ids.set(kind, byValue);
    }
    let index = byValue.get(value);
    if (index === undefined) {
      index = this.queries.length;
      this.queries.push({ kind, value, parents });
      byValue.set(value, index);
    }
    return index;
  }
}
