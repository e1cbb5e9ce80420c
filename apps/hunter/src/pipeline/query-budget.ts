/**
 * The retro-hunt's query budget (RETRO_HUNT_QUERIES_PER_SECOND): searches start at least
 * `1000 / perSecond` ms apart, with no burst, so a flood of indicator changes becomes a steady,
 * known load on Elasticsearch. `reserve` books the next slot and says how long to wait for it.
 */
export class QueryBudget {
  private readonly spacingMs: number;
  private nextAtMs = Number.NEGATIVE_INFINITY;

  constructor(perSecond: number) {
    this.spacingMs = 1000 / perSecond;
  }

  /** Milliseconds to wait before the next search may start, that slot being booked. */
  reserve(nowMs: number): number {
    const at = Math.max(this.nextAtMs, nowMs);
    this.nextAtMs = at + this.spacingMs;
    return at - nowMs;
  }
}
