/**
 * The sync sentinel: one memcached value (under `SYNC_SENTINEL_KEY`) that misp-sync rewrites after
 * every successful sync and that the enricher reads to decide whether the store can be trusted.
 * Without it an empty or expired store is indistinguishable from "no indicator matched", which is
 * the seed pipeline's false-"none" failure.
 *
 * Format (JSON, UTF-8): `{"lastSuccessAt":"2025-01-01T00:00:00.000Z","indicatorCount":1234, ...}`.
 * Extra fields are allowed and preserved in `extra` so that misp-sync can add detail without a
 * coordinated release.
 */
export interface SyncSentinel {
  /** ISO-8601 time of the last sync that completed and wrote every indicator. */
  readonly lastSuccessAt: string;
  /** How many lookup keys the store held after that sync. */
  readonly indicatorCount: number;
  /** Any other fields misp-sync wrote (source, cursor, durations…). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Why a sentinel makes the store unusable; `undefined` from `judgeSyncSentinel` means usable. */
export type SyncSentinelProblem = 'missing' | 'malformed' | 'stale' | 'future';

/** Serialise a sentinel for memcached. `extra` fields are written first so they can never shadow the two required ones. */
export function formatSyncSentinel(sentinel: { lastSuccessAt: string; indicatorCount: number; extra?: Readonly<Record<string, unknown>> }): string {
  return JSON.stringify({ ...(sentinel.extra ?? {}), lastSuccessAt: sentinel.lastSuccessAt, indicatorCount: sentinel.indicatorCount });
}

/**
 * Parse a sentinel value as read from memcached. Returns undefined when it is absent, not JSON,
 * not an object, or lacks a parseable `lastSuccessAt` or a non-negative integer `indicatorCount`.
 */
export function parseSyncSentinel(raw: string | Uint8Array | undefined | null): SyncSentinel | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { lastSuccessAt, indicatorCount, ...extra } = parsed as Record<string, unknown>;
  if (typeof lastSuccessAt !== 'string' || Number.isNaN(Date.parse(lastSuccessAt))) return undefined;
  if (typeof indicatorCount !== 'number' || !Number.isInteger(indicatorCount) || indicatorCount < 0) return undefined;
  return { lastSuccessAt, indicatorCount, extra };
}

/**
 * Decide whether a store described by this raw sentinel value may answer lookups at `nowMs`.
 * Stale means older than `maxStalenessMs`; a sentinel more than `maxClockSkewMs` in the future
 * is also refused (a broken clock would otherwise keep a dead store "fresh" forever).
 */
export function judgeSyncSentinel(
  raw: string | Uint8Array | undefined | null,
  nowMs: number,
  maxStalenessMs: number,
  maxClockSkewMs = 60_000,
): SyncSentinelProblem | undefined {
  if (raw === undefined || raw === null) return 'missing';
  const sentinel = parseSyncSentinel(raw);
  if (sentinel === undefined) return 'malformed';
  const age = nowMs - Date.parse(sentinel.lastSuccessAt);
  if (age > maxStalenessMs) return 'stale';
  if (age < -maxClockSkewMs) return 'future';
  return undefined;
}
