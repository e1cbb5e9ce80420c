import type { LookupQuery } from '../lookup/indicator-lookup';

/**
 * The distinct lookup queries of one batch, in first-seen order, and the index of each.
 *
 * One map per (kind, parents) keyed by the normalised value, rather than one map keyed by a
 * `kind|parents|value` string: no string is built per observation, and the value's hash, computed
 * once here, is cached in the string and reused by the store's own maps (table mode).
 */
export class BatchQueries {
  readonly queries: LookupQuery[] = [];
  private readonly ids = new Map<string, Map<string, number>>();

  /** The index of the query in `queries`, added when new. */
  indexOf(kind: LookupQuery['kind'], value: string, parents: boolean): number {
    const slot = parents ? `${kind}+` : kind;
    let byValue = this.ids.get(slot);
    if (byValue === undefined) {
      byValue = new Map();
      this.ids.set(slot, byValue);
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
