/** When a partition's share of events without any looked-up field is worth a warning. */
export interface ObservableCoverageOptions {
  /** Length of the per-partition window the share is measured over (ms). */
  readonly windowMs: number;
  /** Fewer enriched events in a window say nothing (a quiet partition). */
  readonly minEvents: number;
  /** Warn when more than this share of a window's events had no observable (0.5 = most). */
  readonly share: number;
}

export const DEFAULT_OBSERVABLE_COVERAGE: ObservableCoverageOptions = { windowMs: 60_000, minEvents: 100, share: 0.5 };

/** A window of one partition where most events had none of the looked-up fields. */
export interface CoverageReport {
  readonly topic: string;
  readonly partition: number;
  readonly events: number;
  readonly noObservable: number;
  readonly windowMs: number;
}

interface Window {
  startedMs: number;
  events: number;
  noObservable: number;
}

/**
 * Per partition, how many enriched events had no observable at all (none of the looked-up
 * fields held a value to look up). An event like that is not a miss: nothing was checked. When
 * most events of a partition look like that, the lookup rules probably do not fit the stream
 * (a non-ECS producer without ENRICHER_LOOKUP_RULES), and `record` returns a report once per
 * window for the caller to log. Counts only; no event content is kept.
 */
export class ObservableCoverage {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: ObservableCoverageOptions = DEFAULT_OBSERVABLE_COVERAGE) {}

  /** Count one batch of a partition; returns a report when its window closed with most events lacking an observable. */
  record(topic: string, partition: number, events: number, noObservable: number, nowMs: number): CoverageReport | undefined {
    const id = `${topic}\u0000${partition}`;
    let window = this.windows.get(id);
    if (window === undefined) {
      window = { startedMs: nowMs, events: 0, noObservable: 0 };
      this.windows.set(id, window);
    }
    window.events += events;
    window.noObservable += noObservable;
    const elapsed = nowMs - window.startedMs;
    if (elapsed < this.options.windowMs) return undefined;
    const closed = { ...window };
    window.startedMs = nowMs;
    window.events = 0;
    window.noObservable = 0;
    if (closed.events < this.options.minEvents || closed.noObservable <= closed.events * this.options.share) return undefined;
    return { topic, partition, events: closed.events, noObservable: closed.noObservable, windowMs: elapsed };
  }
}
