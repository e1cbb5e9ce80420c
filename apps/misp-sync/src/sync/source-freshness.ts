import type { SourceSchedule, SyncSentinel } from '@iocflow/core';

/** A configured source and its poll interval (the pause between the end of one run and the next). */
export interface SourceSpec {
  readonly name: string;
  readonly intervalMs: number;
}

/** What the sentinel is written from (`formatSyncSentinel`'s input). */
export interface SentinelContent {
  readonly lastSuccessAt: string;
  readonly indicatorCount: number;
  readonly sources: Readonly<Record<string, SourceSchedule>>;
  readonly extra: Readonly<Record<string, unknown>>;
}

interface RunMarks {
  readonly startedMs: number;
  progressMs?: number;
  /** When a heartbeat carrying this run's marks was last written (undefined: never). */
  publishedMs?: number;
}

/**
 * misp-sync's book of each source's freshness, from which the sync sentinel is written (to
 * memcached and the indicator topic): per source its last success and poll interval, and while a
 * run is in progress its start and last progress (a page applied). Readers judge each source
 * against its own schedule (`assessSyncSentinel` in core).
 *
 * Heartbeats: a run that applies pages asks for a sentinel write at most every `heartbeatMs`
 * (first `heartbeatMs` after it started), so a long full sync proves it is alive while a short
 * poll writes only its success. Keep `heartbeatMs` well below the readers' ENRICHER_MAX_STALENESS.
 *
 * Nothing is written until every source has succeeded once (in this process or, restored from
 * the topic's freshness record, before a restart): until then the store is incomplete.
 */
export class SourceFreshness {
  private readonly lastSuccess = new Map<string, number>();
  private readonly runs = new Map<string, RunMarks>();
  private lastExtra: Readonly<Record<string, unknown>> = {};

  constructor(
    private readonly sources: readonly SourceSpec[],
    private readonly heartbeatMs: number,
  ) {}

  /**
   * Carry the last successes of the configured sources over from a sentinel written before a
   * restart. One later than `horizonMs` (now plus the clock-skew margin: a clock that ran ahead,
   * or a record misp-sync did not write) is not carried — as a restored cursor from the future is
   * not trusted — so that source counts as not yet succeeded rather than fresh until a date that
   * has not come.
   */
  restore(previous: SyncSentinel | undefined, horizonMs = Number.POSITIVE_INFINITY): void {
    for (const { name } of this.sources) {
      const schedule = previous?.sources?.[name];
      if (schedule === undefined || this.lastSuccess.has(name)) continue;
      const lastSuccessMs = Date.parse(schedule.lastSuccessAt);
      if (lastSuccessMs <= horizonMs) this.lastSuccess.set(name, lastSuccessMs);
    }
  }

  runStarted(source: string, nowMs: number): void {
    this.runs.set(source, { startedMs: nowMs });
  }

  /** A page of the run was applied. True when a heartbeat is due: write the sentinel now. */
  progressed(source: string, nowMs: number): boolean {
    const run = this.runs.get(source);
    if (run === undefined) return false;
    run.progressMs = nowMs;
    return nowMs - (run.publishedMs ?? run.startedMs) >= this.heartbeatMs;
  }

  /** The heartbeat asked for by `progressed` was written. */
  heartbeatWritten(source: string, nowMs: number): void {
    const run = this.runs.get(source);
    if (run !== undefined) run.publishedMs = nowMs;
  }

  /** The run completed with every change written; `extra` describes it in the sentinel. */
  succeeded(source: string, finishedMs: number, extra: Readonly<Record<string, unknown>>): void {
    this.runs.delete(source);
    this.lastSuccess.set(source, finishedMs);
    this.lastExtra = { ...extra, source };
  }

  /** The run failed. True when a heartbeat had published its marks: rewrite the sentinel without them. */
  failed(source: string): boolean {
    const run = this.runs.get(source);
    this.runs.delete(source);
    return run?.publishedMs !== undefined;
  }

  /**
   * The sentinel as of now: each source's schedule (with the marks of runs that published a
   * heartbeat or are publishing one now), `lastSuccessAt` = the oldest last success (what a
   * format-1 reader judges). Undefined while some source has never succeeded.
   */
  content(indicatorCount: number, heartbeat?: string): SentinelContent | undefined {
    const sources: Record<string, SourceSchedule> = {};
    let oldest = Number.POSITIVE_INFINITY;
    for (const { name, intervalMs } of this.sources) {
      const last = this.lastSuccess.get(name);
      if (last === undefined) return undefined;
      oldest = Math.min(oldest, last);
      const run = this.runs.get(name);
      const marks =
        run !== undefined && run.progressMs !== undefined && (run.publishedMs !== undefined || name === heartbeat)
          ? { runStartedAt: new Date(run.startedMs).toISOString(), progressAt: new Date(run.progressMs).toISOString() }
          : {};
      sources[name] = { lastSuccessAt: new Date(last).toISOString(), intervalMs, ...marks };
    }
    return { lastSuccessAt: new Date(oldest).toISOString(), indicatorCount, sources, extra: this.lastExtra };
  }
}
