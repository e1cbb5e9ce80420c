/**
 * The sync sentinel: one JSON value that misp-sync rewrites after every successful run of a source
 * (and, while a long run makes progress, as a heartbeat) and that the enricher reads to decide
 * whether the indicators can be trusted. misp-sync writes it to memcached under
 * `SYNC_SENTINEL_KEY` and, with the same text, to the indicator topic under the same key (the
 * freshness record table mode reads). Without it an empty or expired store is indistinguishable
 * from "no indicator matched", which is the seed pipeline's false-"none" failure.
 *
 * Format (JSON, UTF-8):
 *
 *   {"format": 2,
 *    "lastSuccessAt": "2025-01-01T00:00:00.000Z",      oldest last success of all sources
 *    "indicatorCount": 1234,
 *    "sources": {"misp":     {"lastSuccessAt": "…", "intervalMs": 60000},
 *                "feed:X":   {"lastSuccessAt": "…", "intervalMs": 3600000,
 *                             "runStartedAt": "…", "progressAt": "…"}},   only while a run applies pages
 *    …}                                                  extra fields: kept in `extra`
 *
 * `lastSuccessAt` and `indicatorCount` are the format-1 fields: an enricher that knows only them
 * judges the oldest success against its own limit, exactly as before `sources` existed. A sentinel
 * without `format: 2` is judged that way too (see `assessSyncSentinel`).
 */
export interface SyncSentinel {
  /** ISO-8601 time of the oldest last success among the sources (format 1's only time). */
  readonly lastSuccessAt: string;
  /** How many lookup keys the store held after that sync. */
  readonly indicatorCount: number;
  /** Per source, its schedule and last success (format 2); undefined in a format-1 sentinel. */
  readonly sources?: Readonly<Record<string, SourceSchedule>>;
  /** Any other fields misp-sync wrote (source, cursor, durations…). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** One source as the sentinel describes it. */
export interface SourceSchedule {
  /** ISO-8601 time its last run completed with every change written. */
  readonly lastSuccessAt: string;
  /** Its poll interval: the pause between the end of one run and the start of the next (ms). */
  readonly intervalMs: number;
  /** While a run is in progress: when it started, and when it last applied a page (the heartbeat). */
  readonly runStartedAt?: string;
  readonly progressAt?: string;
}

/** Why a sentinel makes the store unusable; `undefined` from `judgeSyncSentinel` means usable. */
export type SyncSentinelProblem = 'missing' | 'malformed' | 'stale' | 'future';

/** The name a format-1 sentinel's single time is reported under (it covers every source at once). */
export const LEGACY_SENTINEL_SOURCE = 'sync';

/** The format this module writes; `sources` is read only from a sentinel that says so. */
export const SYNC_SENTINEL_FORMAT = 2;

/**
 * Serialise a sentinel. `extra` fields are written first so they can never shadow the required
 * ones, and never as `format` or `sources` (which only `sources` itself may set).
 */
export function formatSyncSentinel(sentinel: {
  lastSuccessAt: string;
  indicatorCount: number;
  sources?: Readonly<Record<string, SourceSchedule>>;
  extra?: Readonly<Record<string, unknown>>;
}): string {
  const { format: _format, sources: _sources, ...extra } = sentinel.extra ?? {};
  const base = { ...extra, lastSuccessAt: sentinel.lastSuccessAt, indicatorCount: sentinel.indicatorCount };
  return JSON.stringify(sentinel.sources === undefined ? base : { ...base, format: SYNC_SENTINEL_FORMAT, sources: sentinel.sources });
}

/**
 * Parse a sentinel value as read from memcached or the topic. Returns undefined when it is
 * absent, not JSON, not an object, lacks a parseable `lastSuccessAt` or a non-negative integer
 * `indicatorCount`, or says `format: 2` with a `sources` map that is not one (an empty map, a
 * source without a parseable `lastSuccessAt` or a non-negative `intervalMs`, a bad run time).
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
  if (!isObject(parsed)) return undefined;
  const { lastSuccessAt, indicatorCount, ...rest } = parsed;
  if (!isTime(lastSuccessAt)) return undefined;
  if (typeof indicatorCount !== 'number' || !Number.isInteger(indicatorCount) || indicatorCount < 0) return undefined;
  if (rest['format'] !== SYNC_SENTINEL_FORMAT) return { lastSuccessAt, indicatorCount, extra: rest };
  const { format: _format, sources, ...extra } = rest;
  const schedules = parseSources(sources);
  return schedules === undefined ? undefined : { lastSuccessAt, indicatorCount, sources: schedules, extra };
}

/** How one source stands at a moment, by the rule of `assessSyncSentinel`. */
export interface SourceFreshness {
  readonly source: string;
  /** Last success, ms since the epoch. */
  readonly lastSuccessMs: number;
  /** Its poll interval (0 for a format-1 sentinel: its time is judged against the limit alone). */
  readonly intervalMs: number;
  /** When it becomes stale unless it succeeds or makes progress again (ms). */
  readonly dueMs: number;
  /**
   * `fresh`: within its schedule; `running`: past it, but a run that started in time is still
   * making progress; `stale`: it missed its schedule; `future`: its time is ahead of our clock.
   */
  readonly state: 'fresh' | 'running' | 'stale' | 'future';
}

export interface SentinelAssessment {
  /** Undefined when the store may answer. */
  readonly problem?: SyncSentinelProblem;
  /** Every source of the sentinel (one `sync` entry for a format-1 sentinel), by name. */
  readonly sources: readonly SourceFreshness[];
  /** A one-line explanation naming the sources at fault, when there is a problem. */
  readonly reason?: string;
}

/**
 * THE freshness rule, judged per source against its own schedule. With M = the reader's limit
 * (`ENRICHER_MAX_STALENESS`), a source with last success L and poll interval I is
 *
 *   fresh    while now ≤ L + I + M                      (next run due at L + I; M covers its duration and retries)
 *   running  past that, while a run that started by L + I + M has applied a page within the last M
 *            (progressAt + M ≥ now): a long full sync is never stale while it makes progress
 *   stale    otherwise — it really missed its schedule; a run that stops progressing is stale M after its last page
 *   future   when L (or a progress time) is more than `maxClockSkewMs` ahead of now (a broken clock would
 *            otherwise keep a dead store fresh for ever)
 *
 * The store is usable only while every source is fresh or running. A format-1 sentinel (no
 * per-source schedule) is one source `sync` with I = 0, i.e. stale once older than M, as before.
 */
export function assessSyncSentinel(sentinel: SyncSentinel | undefined, nowMs: number, maxStalenessMs: number, maxClockSkewMs = 60_000): SentinelAssessment {
  if (sentinel === undefined) return { problem: 'malformed', sources: [], reason: 'sync sentinel malformed' };
  const schedules: [string, SourceSchedule][] = sentinel.sources === undefined ? [[LEGACY_SENTINEL_SOURCE, { lastSuccessAt: sentinel.lastSuccessAt, intervalMs: 0 }]] : Object.entries(sentinel.sources);
  const sources = schedules.map(([source, schedule]) => judgeSource(source, schedule, nowMs, maxStalenessMs, maxClockSkewMs));
  const future = sources.filter((source) => source.state === 'future');
  if (future.length > 0) return { problem: 'future', sources, reason: `sync sentinel from the future for ${future.map((s) => `source ${s.source}`).join(', ')} (clock skew?)` };
  const stale = sources.filter((source) => source.state === 'stale');
  if (stale.length > 0) return { problem: 'stale', sources, reason: stale.map(describeStale).join('; ') };
  return { sources };
}

/**
 * Decide whether a store described by this raw sentinel value may answer lookups at `nowMs`
 * (`assessSyncSentinel` on the parsed value; `missing` when there is none).
 */
export function judgeSyncSentinel(
  raw: string | Uint8Array | undefined | null,
  nowMs: number,
  maxStalenessMs: number,
  maxClockSkewMs = 60_000,
): SyncSentinelProblem | undefined {
  if (raw === undefined || raw === null) return 'missing';
  return assessSyncSentinel(parseSyncSentinel(raw), nowMs, maxStalenessMs, maxClockSkewMs).problem;
}

function judgeSource(source: string, schedule: SourceSchedule, nowMs: number, maxStalenessMs: number, maxClockSkewMs: number): SourceFreshness {
  const lastSuccessMs = Date.parse(schedule.lastSuccessAt);
  const intervalMs = schedule.intervalMs;
  const scheduleDueMs = lastSuccessMs + intervalMs + maxStalenessMs;
  const base = { source, lastSuccessMs, intervalMs };
  const latest = nowMs + maxClockSkewMs;
  const started = schedule.runStartedAt === undefined ? undefined : Date.parse(schedule.runStartedAt);
  const progress = schedule.progressAt === undefined ? undefined : Date.parse(schedule.progressAt);
  if (lastSuccessMs > latest || (progress !== undefined && progress > latest)) return { ...base, dueMs: scheduleDueMs, state: 'future' };
  if (nowMs <= scheduleDueMs) return { ...base, dueMs: scheduleDueMs, state: 'fresh' };
  // A run that started in time and is still applying pages keeps the source fresh.
  if (started !== undefined && progress !== undefined && started <= scheduleDueMs && nowMs <= progress + maxStalenessMs) {
    return { ...base, dueMs: progress + maxStalenessMs, state: 'running' };
  }
  return { ...base, dueMs: scheduleDueMs, state: 'stale' };
}

function describeStale(source: SourceFreshness): string {
  const last = new Date(source.lastSuccessMs).toISOString();
  const due = new Date(source.dueMs).toISOString();
  if (source.source === LEGACY_SENTINEL_SOURCE && source.intervalMs === 0) return `sync sentinel stale: last success ${last}, trusted until ${due}`;
  return `source ${source.source} missed its schedule: last success ${last}, polled every ${Math.round(source.intervalMs / 1000)} s, due by ${due}`;
}

function parseSources(value: unknown): Record<string, SourceSchedule> | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  const sources: Record<string, SourceSchedule> = {};
  for (const [name, entry] of entries) {
    if (name.length === 0 || !isObject(entry)) return undefined;
    const { lastSuccessAt, intervalMs, runStartedAt, progressAt } = entry;
    if (!isTime(lastSuccessAt) || typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 0) return undefined;
    if ((runStartedAt !== undefined && !isTime(runStartedAt)) || (progressAt !== undefined && !isTime(progressAt))) return undefined;
    sources[name] = {
      lastSuccessAt,
      intervalMs,
      ...(runStartedAt === undefined ? {} : { runStartedAt }),
      ...(progressAt === undefined ? {} : { progressAt }),
    };
  }
  return sources;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
