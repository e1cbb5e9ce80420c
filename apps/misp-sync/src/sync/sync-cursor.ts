/**
 * The durable sync state, one JSON record under key `cursor` on the compacted state topic
 * (`<IOC_TOPIC>-sync-state`): `{"timestamp":1700000000,"lastFullSyncAt":"2025-01-01T00:00:00.000Z"}`.
 * `timestamp` is a MISP attribute timestamp (seconds): the next incremental pull asks for
 * `timestamp >= cursor`, overlapping the last second, so an attribute written in the same second as
 * the last one seen (after the pull read it) is not skipped; re-applying the overlap is a no-op.
 */
export interface SyncCursor {
  readonly timestamp: number;
  /**
   * Event-level changes (an event tag, which names the feed) do not bump attribute timestamps:
   * the next pull also asks for attributes whose event changed since this time (our clock, minus
   * the skew margin, at the start of the last complete pull).
   */
  readonly eventTimestamp?: number;
  /** ISO time the last complete full reconciliation started. */
  readonly lastFullSyncAt?: string;
}

export function formatSyncCursor(cursor: SyncCursor): string {
  return JSON.stringify(cursor);
}

/** undefined for anything that is not a cursor this version wrote (the caller then starts fresh). */
export function parseSyncCursor(raw: string | null | undefined): SyncCursor | undefined {
  if (raw === null || raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { timestamp, eventTimestamp, lastFullSyncAt } = parsed as Record<string, unknown>;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) return undefined;
  if (eventTimestamp !== undefined && (typeof eventTimestamp !== 'number' || !Number.isSafeInteger(eventTimestamp))) return undefined;
  if (lastFullSyncAt !== undefined && (typeof lastFullSyncAt !== 'string' || Number.isNaN(Date.parse(lastFullSyncAt)))) return undefined;
  return {
    timestamp,
    ...(eventTimestamp === undefined ? {} : { eventTimestamp }),
    ...(lastFullSyncAt === undefined ? {} : { lastFullSyncAt }),
  };
}

/**
 * The cursor after a complete pull that started at `pullStartedAtSec` (our clock) and saw attributes
 * up to `maxSeenTimestamp`. It never passes the pull's start: an attribute edited while a long pull
 * was paging may have been skipped by the shifting pages, and it carries a timestamp at or after the
 * start, so the next pull sees it. It never moves back either.
 */
export function advanceCursor(previous: number | undefined, maxSeenTimestamp: number | undefined, pullStartedAtSec: number): number {
  const base = previous ?? 0;
  if (maxSeenTimestamp === undefined) return base;
  return Math.max(base, Math.min(maxSeenTimestamp, pullStartedAtSec));
}

/**
 * The lower bound of a full pull: `now - lookback`, or undefined (everything) for a zero lookback.
 * The same window bounds the first pull and every reconciliation, so an attribute older than the
 * lookback leaves the store at the next reconciliation.
 */
export function fullSyncFrom(nowMs: number, lookbackMs: number): number | undefined {
  if (lookbackMs <= 0) return undefined;
  return Math.max(0, Math.floor((nowMs - lookbackMs) / 1000));
}

/** A full reconciliation is due without a cursor, without a previous one, or after the interval. */
export function isFullSyncDue(cursor: SyncCursor | undefined, nowMs: number, intervalMs: number): boolean {
  if (cursor?.lastFullSyncAt === undefined) return true;
  return nowMs - Date.parse(cursor.lastFullSyncAt) >= intervalMs;
}

/**
 * A restored cursor our clock can trust: one from the future (beyond now plus the clock-skew
 * margin: written by a host whose clock ran ahead, or edited) would ask MISP only for changes
 * after that time and see none until then, so it is dropped (a full pull from the lookback
 * follows); a future `eventTimestamp` is dropped alone, and a future `lastFullSyncAt` makes the
 * next run a full one (else none would be due until then).
 */
export function trustedCursor(cursor: SyncCursor | undefined, nowMs: number, clockSkewMarginSec: number): SyncCursor | undefined {
  if (cursor === undefined) return undefined;
  const horizon = Math.floor(nowMs / 1000) + clockSkewMarginSec;
  if (cursor.timestamp > horizon) return undefined;
  const eventTimestamp = cursor.eventTimestamp !== undefined && cursor.eventTimestamp <= horizon ? cursor.eventTimestamp : undefined;
  const lastFullSyncAt = cursor.lastFullSyncAt !== undefined && Date.parse(cursor.lastFullSyncAt) <= nowMs + clockSkewMarginSec * 1000 ? cursor.lastFullSyncAt : undefined;
  return { timestamp: cursor.timestamp, ...(eventTimestamp === undefined ? {} : { eventTimestamp }), ...(lastFullSyncAt === undefined ? {} : { lastFullSyncAt }) };
}
