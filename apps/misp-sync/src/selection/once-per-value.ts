/**
 * Remembers which values were already reported, so a refusal is logged once per value and reason,
 * not on every full sync. Bounded: past `capacity` values it forgets them all and starts again
 * (a value may then be logged once more), so hostile feeds cannot grow it without limit.
 */
export class OncePerValue {
  private seen = new Set<string>();

  constructor(private readonly capacity = 20_000) {}

  /** True the first time a value is offered (since the last reset). */
  first(value: string): boolean {
    if (this.seen.has(value)) return false;
    if (this.seen.size >= this.capacity) this.seen = new Set();
    this.seen.add(value);
    return true;
  }
}
