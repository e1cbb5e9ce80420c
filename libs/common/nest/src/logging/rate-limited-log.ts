/**
 * Lets a repeated error through at most once per interval, and reports how many were
 * suppressed in between, so a flood of bad input cannot turn into a flood of log lines.
 */
export class RateLimitedLog {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `emit` with the number suppressed since the last emission, or counts a suppression. */
  maybe(emit: (suppressed: number) => void): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const suppressed = this.suppressed;
    this.lastAt = now;
    this.suppressed = 0;
    emit(suppressed);
  }
}
