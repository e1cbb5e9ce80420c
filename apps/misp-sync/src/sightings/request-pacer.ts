/**
 * At most `perSecond` request starts per second (MISP_SIGHTINGS_RATE): each start is spaced
 * 1/perSecond after the previous one. `delayMs` is pure (the clock is passed in); `take` books the
 * slot.
 */
export class RequestPacer {
  private nextAt = 0;
  private readonly spacingMs: number;

  constructor(perSecond: number) {
    this.spacingMs = 1000 / perSecond;
  }

  /** How long to wait before the next request may start at `nowMs`; books that slot. */
  take(nowMs: number): number {
    const at = Math.max(nowMs, this.nextAt);
    this.nextAt = at + this.spacingMs;
    return at - nowMs;
  }
}
