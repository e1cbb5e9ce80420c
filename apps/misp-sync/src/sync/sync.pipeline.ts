import { formatSyncSentinel, isSupportedMispType, type AttributeContribution, type MispAttribute } from '@iocflow/core';
import { RateLimitedLog } from '@iocflow/nest';
import type { ExpiryPolicy } from '../selection/expiry-policy';
import { expiredUpdates } from '../selection/expired-updates';
import type { FilteredUpdate, IndicatorFilter } from '../selection/indicator-filter';
import { OncePerValue } from '../selection/once-per-value';
import type { DeselectReason } from '../selection/attribute-selection';
import type { RefuseReason } from '../selection/indicator-guard';
import { applyAttribute, type AttributeUpdate } from './apply-attribute';
import { diffIndicators, type IndicatorDiff } from './diff-indicators';
import { formatProgress } from './format-progress';
import { IndicatorState } from './indicator-state';
import { SourceFreshness, type SourceSpec } from './source-freshness';
import type { SkipReason, SyncMetrics, SyncMode } from './sync.metrics';
import type { SkipStage } from './sync-stage';
import { advanceCursor, fullSyncFrom, isFullSyncDue, trustedCursor, type SyncCursor } from './sync-cursor';
import type { AttributePage, AttributeSource, FeedPort, IndicatorChangesPort, IndicatorStorePort, PipelineLogger, ProgressPort, PullWindow, SyncStatePort } from './sync-ports';
import { toAttributeUpdate, type FeedRules } from './to-attribute-update';

export interface SyncPipelineOptions {
  readonly feedRules: FeedRules;
  /** First window and reconciliation window; 0 = all of MISP. */
  readonly lookbackMs: number;
  readonly fullSyncIntervalMs: number;
  /** How far our clock may be ahead of MISP's; the cursor stays this far behind the pull start. */
  readonly clockSkewMarginSec: number;
  readonly progressIntervalMs: number;
  readonly seedCompat: boolean;
  /** Largest indicator-topic record (IOC_MAX_RECORD_BYTES): more contributions are left out of it. Absent = unbounded. */
  readonly maxRecordBytes?: number;
  /** Largest memcached entry written (MEMCACHED_MAX_VALUE_BYTES): a larger one is not written. Absent = unbounded. */
  readonly maxStoreValueBytes?: number;
  /**
   * Every configured source (`misp`, `feed:<name>`) with its poll interval: the sentinel carries
   * each one's last success and interval, so readers judge each against its own schedule, and it
   * is written only once each has succeeded. Default: the MISP server alone, polled every minute.
   */
  readonly sources?: readonly SourceSpec[];
  /** Longest pause between two sentinel writes while a run makes progress (the heartbeat). Default 30 s. */
  readonly heartbeatMs?: number;
  /**
   * Selection, false-positive control and expiry of each attribute (issue 15), the same for MISP
   * and feeds; absent = every attribute as toAttributeUpdate makes it.
   */
  readonly filter?: IndicatorFilter;
  /** Maximum age per kind: held contributions past it are removed (the sweep), records carry `expiresAt`. */
  readonly expiry?: ExpiryPolicy;
  /** How often the sweep looks at the held indicators (IOC_EXPIRY_CHECK_INTERVAL); default 10 min. */
  readonly expiryCheckIntervalMs?: number;
  /**
   * Attributes of a page normalised, staged, written and committed together (SYNC_APPLY_BATCH);
   * a larger page is applied in consecutive slices of this many, in order. Default APPLY_BATCH.
   */
  readonly applyBatch?: number;
}

/** The MISP server's name among the sources. */
export const MISP_SOURCE = 'misp';
/** MISP_POLL_INTERVAL's default, for a pipeline built without `sources`. */
const DEFAULT_MISP_INTERVAL_MS = 60_000;
/** SYNC_HEARTBEAT_INTERVAL's default. */
const DEFAULT_HEARTBEAT_MS = 30_000;
/** IOC_EXPIRY_CHECK_INTERVAL's default. */
const DEFAULT_EXPIRY_CHECK_MS = 600_000;
/** How often a TTY progress line is redrawn (pages are checked, never single attributes). */
const TTY_PROGRESS_MS = 250;

export interface SyncPipelineDeps {
  /** The MISP server; absent when only feeds are configured. */
  readonly source?: AttributeSource;
  readonly store: IndicatorStorePort;
  readonly changes: IndicatorChangesPort;
  readonly syncState: SyncStatePort;
  readonly metrics: SyncMetrics;
  readonly logger: PipelineLogger;
  /** A live progress line (stdout is a TTY); the JSON log line is written either way. */
  readonly progress?: ProgressPort;
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly now: () => number;
}

export type SyncOutcome =
  | { readonly ok: true; readonly mode: SyncMode; readonly attributes: number; readonly added: number; readonly updated: number; readonly removed: number; readonly cursor?: number }
  | { readonly ok: false; readonly mode: SyncMode; readonly error: unknown };

/** Attribute updates per staged batch for removals found by a reconciliation. */
const REMOVAL_BATCH = 5000;
/**
 * SYNC_APPLY_BATCH's default: attributes of a page applied together. What a batch makes (updates,
 * staged records, the sinks' payloads) is live at every scavenge until it is committed, so a
 * smaller batch is less copied by the collector, without asking MISP for more pages: a full sync
 * in pages of 10,000 needs 0.81× the CPU with it, within the noise at the default 5,000
 * (docs/benchmarks.md, misp-sync, fourth pass). A failed write leaves the slices before it
 * committed, as it leaves the pages before it; the run fails and its cursor does not move.
 */
export const APPLY_BATCH = 2000;

/**
 * misp-sync, top to bottom. One run (`sync`), stage by stage, each named as in logs and metrics
 * (SYNC_STAGES, sync-stage.ts):
 *
 *   fetch      page by page from MISP (`timestamp >= cursor`, or the full window when a
 *              reconciliation is due), deleted attributes included
 *   normalise  each attribute → the lookup keys it contributes to now (toAttributeUpdate)
 *   filter     selection, false-positive control and expiry, per attribute (IndicatorFilter)
 *   diff       stage the page over the state: per attribute uuid, the key's value = union
 *              of its contributions (applyAttribute), → memcached ops + topic records
 *   store      memcached sets/deletes
 *   publish    full records / tombstones to the compacted indicator topic
 *   commit     the staged page into the in-memory state (only after both writes succeeded)
 *   reconcile  after a complete full pull: tracked attributes MISP no longer returned are removed
 *   heartbeat  while pages are applied, at most every `heartbeatMs`: the sentinel with the run's
 *              start and last progress, so a long full sync is never taken for a stale source
 *   expire     at most every `expiryCheckIntervalMs`: contributions past their kind's maximum
 *              age removed, as deletions (expireDue)
 *   advance    the durable cursor, then repair memcached if it lost keys, then the sentinel (to
 *              memcached and as the topic's freshness record) with the source's new last success
 *
 * A failure anywhere aborts the run before the cursor and the last success move: the next run
 * pulls the same window again (idempotent), and readers see the source miss its schedule (its
 * poll interval, carried in the sentinel, plus their own slack). An error is never taken
 * for an empty MISP: removals come only from attributes MISP returned as deleted/to_ids-off, or
 * from a reconciliation whose every page was read.
 *
 * Feeds read directly (`syncFeed`) run the same stages from their own poll: fetch the feed's
 * files, normalise, filter, diff, store, publish, commit, then reconcile their own source only.
 * Live notifications (`refresh`) and feeds go through `applyUpdates`, which shares the batch lock
 * with pages.
 */
export class SyncPipeline {
  readonly state = new IndicatorState();
  private cursor: SyncCursor | undefined;
  /** Each source's last success and run in progress, for the sentinel. */
  private readonly freshness: SourceFreshness;
  private lock: Promise<void> = Promise.resolve();
  /** Sentinel writes, one at a time, each built from the book when its turn comes (so a later write never loses to an earlier one). */
  private sentinelWrites: Promise<void> = Promise.resolve();
  /** One warning per 10 s about skipped attributes, however many (hostile content must not flood the log). */
  private readonly skipLog: RateLimitedLog;
  /** Refused observables are logged once per value and reason (a full sync would repeat them all). */
  private readonly refusalLog = new OncePerValue();
  /** When the expiry sweep last looked at the held indicators (ms). */
  private lastExpirySweep = 0;

  constructor(
    private readonly deps: SyncPipelineDeps,
    private readonly options: SyncPipelineOptions,
  ) {
    this.freshness = new SourceFreshness(options.sources ?? [{ name: MISP_SOURCE, intervalMs: DEFAULT_MISP_INTERVAL_MS }], options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.skipLog = new RateLimitedLog(10_000, deps.now);
  }

  get currentCursor(): SyncCursor | undefined {
    return this.cursor;
  }

  /** Rebuild the state and cursor from Kafka, then make memcached match the state. */
  async restore(): Promise<void> {
    const started = this.deps.now();
    const restored = await this.deps.syncState.restore(this.state);
    this.cursor = trustedCursor(restored.cursor, started, this.options.clockSkewMarginSec);
    // A cursor without indicators means the indicator topic was lost or emptied: pull everything.
    if (this.state.size === 0) this.cursor = undefined;
    // The indicators written before the restart are still there: so are their sources' last
    // successes (none from beyond now + the skew margin, as for the cursor).
    else this.freshness.restore(restored.freshness, started + this.options.clockSkewMarginSec * 1000);
    // Records capped on the topic hold only their most recent contributions: reconcile in full
    // first, so the state knows every contribution again before anything changes incrementally.
    if (this.cursor?.lastFullSyncAt !== undefined && hasCappedRecords(this.state.values())) this.cursor = { ...this.cursor, lastFullSyncAt: undefined };
    this.deps.metrics.reset(this.state.values());
    this.deps.logger.info('state restored', { indicators: this.state.size, attributes: this.state.attributeCount, cursor: this.cursor, ms: this.deps.now() - started });
    await this.repairStore();
  }

  /** One sync run: a full reconciliation when due, else an incremental pull. Never throws. */
  async sync(): Promise<SyncOutcome> {
    const startedMs = this.deps.now();
    const mode: SyncMode = isFullSyncDue(this.cursor, startedMs, this.options.fullSyncIntervalMs) ? 'full' : 'incremental';
    const pullStartSec = Math.floor(startedMs / 1000) - this.options.clockSkewMarginSec;
    this.freshness.runStarted(MISP_SOURCE, startedMs);
    try {
      const source = this.deps.source;
      if (source === undefined) throw new Error('no MISP server is configured (MISP_URL)');
      const windows: PullWindow[] = [];
      if (mode === 'full' || this.cursor === undefined) {
        const from = fullSyncFrom(startedMs, this.options.lookbackMs);
        windows.push(from === undefined ? { matchableTypesOnly: true } : { timestamp: from, matchableTypesOnly: true });
      } else {
        windows.push({ timestamp: this.cursor.timestamp });
        if (this.cursor.eventTimestamp !== undefined) windows.push({ eventTimestamp: this.cursor.eventTimestamp });
      }
      // A full pull's total is estimated from the attributes tracked before it (MISP reports no count).
      const estimate = mode === 'full' && this.state.attributeCount > 0 ? this.state.attributeCount : undefined;
      const pulled = await this.pull(MISP_SOURCE, `${mode} sync`, pagesOf(source, windows), this.options.feedRules, estimate);
      // Attributes changed since the pull started are kept: a live notification may have added them
      // after their page was read; the next run checks them again.
      const mispSource = this.options.feedRules.source;
      const reconciled =
        mode === 'full' ? await this.reconcile((attribute) => attribute.source === mispSource && !pulled.seen.has(attribute.attributeUuid) && attribute.timestamp < pullStartSec) : { updated: 0, removed: 0 };
      await this.expireDue();
      const cursor: SyncCursor = {
        timestamp: advanceCursor(this.cursor?.timestamp, pulled.maxTimestamp, pullStartSec),
        eventTimestamp: Math.max(pullStartSec, this.cursor?.eventTimestamp ?? 0),
        ...(mode === 'full' ? { lastFullSyncAt: new Date(startedMs).toISOString() } : this.cursor?.lastFullSyncAt === undefined ? {} : { lastFullSyncAt: this.cursor.lastFullSyncAt }),
      };
      await this.deps.syncState.saveCursor(cursor);
      this.cursor = cursor;
      await this.repairStore();
      const finishedMs = this.deps.now();
      this.freshness.succeeded(MISP_SOURCE, finishedMs, { mode, cursor: cursor.timestamp, ...(cursor.lastFullSyncAt === undefined ? {} : { lastFullSyncAt: cursor.lastFullSyncAt }), durationMs: finishedMs - startedMs });
      await this.writeSentinel();
      this.deps.metrics.syncFinished(mode, (finishedMs - startedMs) / 1000, true, finishedMs);
      const outcome = { ok: true as const, mode, attributes: pulled.count, added: pulled.added, updated: pulled.updated + reconciled.updated, removed: pulled.removed + reconciled.removed, cursor: cursor.timestamp };
      this.deps.logger.info('sync finished', { ...outcome, indicators: this.state.size, ms: finishedMs - startedMs });
      return outcome;
    } catch (error) {
      const finishedMs = this.deps.now();
      this.deps.metrics.syncFinished(mode, (finishedMs - startedMs) / 1000, false, finishedMs);
      this.deps.logger.error('sync failed; cursor and last success unchanged', { mode, error, ms: finishedMs - startedMs });
      await this.runFailed(MISP_SOURCE);
      return { ok: false, mode, error };
    }
  }

  /**
   * Live path: MISP said these attributes changed (a Kafka notification). Ask MISP for their
   * current state — the notification lacks the event's tags, which carry the feed — and apply it;
   * an attribute MISP no longer returns was hard-deleted and is removed. Throws when MISP fails, so
   * the notification is retried; the next poll would heal it anyway.
   */
  async refresh(uuids: readonly string[]): Promise<{ added: number; updated: number; removed: number }> {
    const seen = new Set<string>();
    const totals = { added: 0, updated: 0, removed: 0 };
    const count = (diff: IndicatorDiff) => {
      totals.added += diff.added;
      totals.updated += diff.updated;
      totals.removed += diff.removed;
    };
    const source = this.deps.source;
    if (source === undefined) throw new Error('no MISP server is configured (MISP_URL)');
    for await (const page of source.pagesByUuid(uuids)) {
      for (const attribute of page.attributes) seen.add(attribute.uuid.toLowerCase());
      count(await this.applyUpdates(this.updatesOf(page.attributes, this.options.feedRules)));
    }
    const gone = uuids.map((uuid) => uuid.toLowerCase()).filter((uuid) => !seen.has(uuid));
    if (gone.length > 0) count(await this.applyUpdates(gone.map((uuid) => ({ uuid, timestamp: Number.MAX_SAFE_INTEGER, entries: [] }))));
    return totals;
  }

  /**
   * One poll of a feed read directly: fetch (the changed events, or the whole feed) → normalise →
   * diff → store → publish → commit per page, as for MISP; then reconcile the feed's own source
   * within what was read, and refresh the sentinel. Never throws; a failed poll removes nothing
   * and the feed reads the same again next time.
   */
  async syncFeed(feed: FeedPort): Promise<SyncOutcome> {
    const startedMs = this.deps.now();
    this.freshness.runStarted(feed.name, startedMs);
    try {
      const read = await feed.read();
      const pulled = await this.pull(feed.name, `feed ${feed.name} (${read.mode})`, read.pages(), feed.rules);
      const events = read.events;
      const skipped = read.skippedEvents;
      const reconciled = await this.reconcile(
        (attribute) =>
          attribute.source === feed.name &&
          !pulled.seen.has(attribute.attributeUuid) &&
          (events === undefined || events.has(attribute.eventUuid)) &&
          (skipped === undefined || !skipped.has(attribute.eventUuid)),
      );
      read.commit();
      await this.expireDue();
      await this.repairStore();
      const finishedMs = this.deps.now();
      this.freshness.succeeded(feed.name, finishedMs, { mode: 'feed', durationMs: finishedMs - startedMs });
      await this.writeSentinel();
      this.deps.metrics.syncFinished('feed', (finishedMs - startedMs) / 1000, true, finishedMs);
      const outcome = { ok: true as const, mode: 'feed' as const, attributes: pulled.count, added: pulled.added, updated: pulled.updated + reconciled.updated, removed: pulled.removed + reconciled.removed };
      this.deps.logger.info('feed sync finished', { feed: feed.name, read: read.mode, ...outcome, indicators: this.state.size, ms: finishedMs - startedMs });
      return outcome;
    } catch (error) {
      const finishedMs = this.deps.now();
      this.deps.metrics.syncFinished('feed', (finishedMs - startedMs) / 1000, false, finishedMs);
      this.deps.logger.error('feed sync failed; nothing removed', { feed: feed.name, error, ms: finishedMs - startedMs });
      await this.runFailed(feed.name);
      return { ok: false, mode: 'feed', error };
    }
  }

  /**
   * Stage, write and commit one batch of attribute updates, one batch at a time across callers
   * (pages, notifications, feeds), so every batch is diffed against committed state.
   */
  async applyUpdates(updates: readonly AttributeUpdate[]): Promise<IndicatorDiff> {
    const run = this.lock.then(() => this.applyUnlocked(updates));
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async applyUnlocked(updates: readonly AttributeUpdate[]): Promise<IndicatorDiff> {
    const staged = this.state.stage();
    const updatedAt = new Date(this.deps.now()).toISOString();
    for (const update of updates) applyAttribute(staged, update, updatedAt);
    const changes = staged.changes();
    const diff = diffIndicators(changes, this.options.seedCompat, {
      ...(this.options.maxRecordBytes === undefined ? {} : { maxRecordBytes: this.options.maxRecordBytes }),
      ...(this.options.maxStoreValueBytes === undefined ? {} : { maxStoreValueBytes: this.options.maxStoreValueBytes }),
    });
    if (diff.capped > 0) this.deps.metrics.limitApplied('record_attributes', diff.capped);
    if (diff.oversizedValues > 0) {
      this.deps.metrics.limitApplied('store_value', diff.oversizedValues);
      this.deps.logger.warn('memcached values over MEMCACHED_MAX_VALUE_BYTES not written; those keys keep their previous value', { stage: 'store', count: diff.oversizedValues });
    }
    if (diff.records.length === 0) return diff;
    // Both writes are idempotent, so they run together; the state moves only when both succeeded.
    await Promise.all([this.deps.store.apply(diff), this.deps.changes.publish(this.withExpiry(diff.records))]);
    this.state.commit(staged);
    this.deps.metrics.recordChanges(changes, diff.added, diff.updated, diff.removed);
    return diff;
  }

  /** Apply pages in order (normalise → diff → store → publish → commit), with progress and the source's heartbeat. */
  private async pull(source: string, run: string, pages: AsyncIterable<AttributePage>, rules: FeedRules, estimatedTotal?: number) {
    const started = this.deps.now();
    let lastLog = started;
    let lastTty = started;
    const seen = new Set<string>();
    let maxTimestamp: number | undefined;
    let count = 0;
    let added = 0;
    let updated = 0;
    let removed = 0;
    const batch = this.options.applyBatch ?? APPLY_BATCH;
    this.deps.logger.info('sync started', { run });
    try {
      for await (const page of pages) {
        const attributes = page.attributes;
        for (const attribute of attributes) {
          seen.add(attribute.uuid.toLowerCase());
          if (maxTimestamp === undefined || attribute.timestamp > maxTimestamp) maxTimestamp = attribute.timestamp;
        }
        // In consecutive slices, each committed before the next is normalised (the page's order kept).
        for (let from = 0; from < attributes.length || from === 0; from += batch) {
          const diff = await this.applyUpdates(this.updatesOf(from === 0 && attributes.length <= batch ? attributes : attributes.slice(from, from + batch), rules));
          added += diff.added;
          updated += diff.updated;
          removed += diff.removed;
        }
        count += attributes.length;
        // Progress is checked once per page, never per attribute.
        const now = this.deps.now();
        if (this.freshness.progressed(source, now)) await this.heartbeat(source, now);
        const logDue = now - lastLog >= this.options.progressIntervalMs;
        const ttyDue = this.deps.progress !== undefined && now - lastTty >= TTY_PROGRESS_MS;
        if (!logDue && !ttyDue) continue;
        const total = page.total ?? estimatedTotal;
        const line = formatProgress({ run, done: count, total, elapsedMs: now - started });
        if (ttyDue) {
          lastTty = now;
          this.deps.progress?.update(line);
        }
        if (logDue) {
          lastLog = now;
          this.deps.logger.info(line, { run, done: count, total });
        }
      }
    } finally {
      this.deps.progress?.done();
    }
    return { seen, maxTimestamp, count, added, updated, removed };
  }

  /**
   * What a page's attributes contribute now, each attribute contained to itself:
   *   - dated after now plus the clock-skew margin: skipped (`future_timestamp`); it could never be
   *     ordered against later changes (and its timestamp would outrank them), so it waits until its
   *     time has come — the cursor never passes the pull's start, so it is pulled again;
   *   - a supported type whose value is no observable (malformed, over its length limit): applied
   *     as contributing nothing, and reported (`invalid_value`);
   *   - converting or filtering it throws (a bug its content triggers): skipped (`error`, at the
   *     stage that threw).
   * Limits that cut an attribute (event info, tags, feeds) are counted.
   */
  private updatesOf(attributes: readonly MispAttribute[], rules: FeedRules): AttributeUpdate[] {
    const nowSec = Math.floor(this.deps.now() / 1000);
    const horizon = nowSec + this.options.clockSkewMarginSec;
    const updates: AttributeUpdate[] = [];
    const filter = this.options.filter;
    const tally = filter === undefined ? undefined : new FilterTally();
    for (const attribute of attributes) {
      let stage: SkipStage = 'normalise';
      try {
        if (attribute.timestamp > horizon) {
          this.skipped(stage, 'future_timestamp', attribute, rules, `timestamp ${attribute.timestamp} is after now plus the clock-skew margin (${horizon})`);
          continue;
        }
        const converted = toAttributeUpdate(attribute, rules);
        if (converted.entries.length === 0 && !attribute.deleted && (attribute.toIds || rules.toIdsOnly === false) && isSupportedMispType(attribute.type)) {
          this.skipped(stage, 'invalid_value', attribute, rules, `a ${attribute.type} value of ${attribute.value.length} characters that is no observable`);
        }
        for (const limit of converted.limits ?? []) this.deps.metrics.limitApplied(limit);
        stage = 'filter';
        const update = filter === undefined || tally === undefined ? converted : this.filtered(filter.apply(attribute, converted, nowSec), attribute, rules, tally);
        updates.push(update);
      } catch (error) {
        this.skipped(stage, 'error', attribute, rules, error instanceof Error ? error.message : String(error));
      }
    }
    if (tally !== undefined) this.countFiltered(rules.source ?? MISP_SOURCE, tally);
    return updates;
  }

  /** Tally what the filter left out of one attribute; log each refused value once, with its reason. */
  private filtered(result: FilteredUpdate, attribute: MispAttribute, rules: FeedRules, tally: FilterTally): AttributeUpdate {
    if (result.deselected !== undefined) tally.add(tally.deselected, result.deselected);
    for (const refused of result.refused) {
      tally.add(tally.refused, refused.refusal.reason);
      // The remembered key is bounded (a url may be 32 KiB): a long value is known by its head and length.
      const value = refused.value.length > 256 ? `${refused.value.slice(0, 256)}\u0000${refused.value.length}` : refused.value;
      if (this.refusalLog.first(`${refused.refusal.reason}\u0000${refused.kind}\u0000${value}`)) {
        this.deps.logger.warn('indicator refused', {
          stage: 'filter',
          source: rules.source ?? MISP_SOURCE,
          reason: refused.refusal.reason,
          ...(refused.refusal.list === undefined ? {} : { list: refused.refusal.list }),
          kind: refused.kind,
          value: refused.value.slice(0, 200),
          ...coordinatesOf(attribute),
        });
      }
    }
    tally.expired += result.expired;
    return result.update;
  }

  private countFiltered(source: string, tally: FilterTally): void {
    for (const [reason, count] of tally.deselected) this.deps.metrics.attributesDeselected(source, reason, count);
    for (const [reason, count] of tally.refused) this.deps.metrics.indicatorsRefused(source, reason, count);
    if (tally.expired > 0) this.deps.metrics.indicatorsRefused(source, 'expired', tally.expired);
  }

  /** The topic records with their `expiresAt` (the state keeps records without it: it is derived). */
  private withExpiry(records: IndicatorDiff['records']): IndicatorDiff['records'] {
    const expiry = this.options.expiry;
    if (expiry === undefined || !expiry.enabled) return records;
    return records.map((record) => {
      if (record.value === null) return record;
      const at = expiry.recordExpiresAtSec(record.value);
      const { expiresAt: _held, ...value } = record.value;
      return { key: record.key, value: at === undefined ? value : { ...value, expiresAt: new Date(at * 1000).toISOString() } };
    });
  }

  /**
   * The expiry sweep, at most every `expiryCheckIntervalMs`, after a source's run: every held
   * contribution past its kind's maximum age leaves the keys of that kind, as a deletion would
   * (memcached delete and a tombstone, or a shorter feed list when others still hold the key).
   * An attribute keeps the keys of kinds that have not expired (`domain|ip`: the ip ages first).
   */
  private async expireDue(): Promise<void> {
    const expiry = this.options.expiry;
    const nowMs = this.deps.now();
    if (expiry === undefined || !expiry.enabled || nowMs - this.lastExpirySweep < (this.options.expiryCheckIntervalMs ?? DEFAULT_EXPIRY_CHECK_MS)) return;
    this.lastExpirySweep = nowMs;
    const { updates, byKind } = expiredUpdates(this.state.values(), this.state, expiry, Math.floor(nowMs / 1000));
    if (updates.length === 0) return;
    const totals = { updated: 0, removed: 0 };
    for (let i = 0; i < updates.length; i += REMOVAL_BATCH) {
      const diff = await this.applyUpdates(updates.slice(i, i + REMOVAL_BATCH));
      totals.updated += diff.updated;
      totals.removed += diff.removed;
    }
    for (const [kind, count] of byKind) this.deps.metrics.indicatorsExpired(kind, count);
    this.deps.logger.info('expired indicators removed', { attributes: updates.length, ...totals });
  }

  /** Count one skipped attribute and (rate-limited) say which, where it came from and why. */
  private skipped(stage: SkipStage, reason: SkipReason, attribute: MispAttribute, rules: FeedRules, detail: string): void {
    const source = rules.source ?? MISP_SOURCE;
    this.deps.metrics.attributeSkipped(source, stage, reason);
    this.skipLog.maybe((suppressed) => this.deps.logger.warn('attribute skipped', { source, stage, reason, detail: detail.slice(0, 200), ...coordinatesOf(attribute), suppressed }));
  }

  /**
   * Remove the tracked attributes `isStale` picks: the ones of a source that its complete read did
   * not return (hard-deleted in MISP, older than the window, gone from a feed).
   */
  private async reconcile(isStale: (attribute: AttributeContribution) => boolean): Promise<{ updated: number; removed: number }> {
    const stale = new Set<string>();
    for (const record of this.state.values()) {
      for (const attribute of record.attributes) if (isStale(attribute)) stale.add(attribute.attributeUuid);
    }
    // A key that other contributions still hold is updated (its feeds shrink), not removed.
    const totals = { updated: 0, removed: 0 };
    const uuids = [...stale];
    for (let i = 0; i < uuids.length; i += REMOVAL_BATCH) {
      const batch = uuids.slice(i, i + REMOVAL_BATCH).map((uuid) => ({ uuid, timestamp: Number.MAX_SAFE_INTEGER, entries: [] }));
      const diff = await this.applyUpdates(batch);
      totals.updated += diff.updated;
      totals.removed += diff.removed;
    }
    if (stale.size > 0) this.deps.logger.info('reconciliation removed attributes their source no longer holds', { attributes: stale.size, ...totals });
    return totals;
  }

  /**
   * Rewrite the sync sentinel from the freshness book — to memcached (the enricher's memcached
   * mode, and the seed's readers) and as the freshness record on the indicator topic (table mode,
   * and misp-sync's own restart) — once every source has succeeded. Writes run one at a time and
   * each is built when its turn comes, so the last write always carries the latest book. `heartbeat`
   * names a source whose run in progress publishes its marks with this write.
   */
  private writeSentinel(heartbeat?: string): Promise<void> {
    const write = this.sentinelWrites.then(async () => {
      const content = this.freshness.content(this.state.size, heartbeat);
      if (content === undefined) return;
      const text = formatSyncSentinel(content);
      await Promise.all([this.deps.store.writeSentinel(text), this.deps.changes.publishFreshness(text)]);
    });
    this.sentinelWrites = write.catch(() => undefined);
    return write;
  }

  /** A long run's proof of life; a failed heartbeat is logged, never fails the run (the next page tries again). */
  private async heartbeat(source: string, nowMs: number): Promise<void> {
    try {
      await this.writeSentinel(source);
      this.freshness.heartbeatWritten(source, nowMs);
    } catch (error) {
      this.deps.logger.warn('sync sentinel heartbeat failed; retried after the next page', { stage: 'heartbeat', source, error });
    }
  }

  /** A failed run must not leave a heartbeat behind that keeps its source looking alive. */
  private async runFailed(source: string): Promise<void> {
    if (!this.freshness.failed(source)) return;
    await this.writeSentinel().catch((error: unknown) => this.deps.logger.warn('sync sentinel rewrite after a failed run failed', { stage: 'advance', source, error }));
  }

  private async repairStore(): Promise<void> {
    const problem = await this.deps.store.checkAndRepair(() => this.state.values(), this.state.size);
    if (problem === undefined) return;
    this.deps.metrics.storeRepaired(problem.reason);
    this.deps.logger.warn('memcached lost keys; repopulated from state', { problem, indicators: this.state.size });
  }
}

/** What the filter left out of one page, counted once per page (never a metric call per attribute). */
class FilterTally {
  readonly deselected = new Map<DeselectReason, number>();
  readonly refused = new Map<RefuseReason, number>();
  expired = 0;

  add<R>(counts: Map<R, number>, reason: R): void {
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
}

async function* pagesOf(source: AttributeSource, windows: readonly PullWindow[]): AsyncIterable<AttributePage> {
  for (const window of windows) yield* source.pages(window);
}

function hasCappedRecords(records: Iterable<{ readonly attributesOmitted?: number }>): boolean {
  for (const record of records) if ((record.attributesOmitted ?? 0) > 0) return true;
  return false;
}

/** Where an attribute comes from, for a log line; whatever the attribute holds (it may be the one that threw). */
function coordinatesOf(attribute: MispAttribute): Record<string, unknown> {
  try {
    return { attributeUuid: attribute.uuid, eventUuid: attribute.event?.uuid, type: String(attribute.type).slice(0, 64) };
  } catch {
    return {};
  }
}
