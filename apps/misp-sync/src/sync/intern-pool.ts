/** Distinct strings (and, apart, lists) a pool holds before it starts over: every event, tag set and feed list of a large MISP. */
export const DEFAULT_INTERN_POOL_ENTRIES = 262_144;

/**
 * One shared instance per distinct string or string list, so a million contributions that name
 * the same event, event info, tag set and feeds hold one copy of each instead of a million (the
 * in-memory state's largest saving; docs/benchmarks.md, misp-sync). Interning never changes a
 * value, only which equal instance is kept: when the pool reaches `maxEntries` it starts over
 * (values interned before stay valid, later equal values are simply not shared with them), so a
 * source with ever-new values cannot grow it without bound.
 */
export class InternPool {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  constructor(private readonly maxEntries = DEFAULT_INTERN_POOL_ENTRIES) {}

  get size(): number {
    return this.strings.size + this.lists.size;
  }

  string(value: string): string {
    const held = this.strings.get(value);
    if (held !== undefined) return held;
    if (this.strings.size >= this.maxEntries) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }

  /** An equal list (same strings, same order), frozen: shared lists must never be changed in place. */
  list(values: readonly string[]): readonly string[] {
    if (values.length === 0) return EMPTY;
    // U+0000 cannot occur in a tag or feed name MISP stores; a collision would only cost sharing, never equality (checked below).
    const id = values.length === 1 ? (values[0] ?? '') : values.join('\u0000');
    const held = this.lists.get(id);
    if (held !== undefined && sameList(held, values)) return held;
    if (this.lists.size >= this.maxEntries) this.lists.clear();
    const list = Object.freeze(values.map((value) => this.string(value)));
    this.lists.set(id, list);
    return list;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
