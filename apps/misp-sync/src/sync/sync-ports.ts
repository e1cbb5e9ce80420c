import type { IndicatorRecord, MispAttribute, SyncSentinel } from '@iocflow/core';
import type { IndicatorDiff } from './diff-indicators';
import type { IndicatorState } from './indicator-state';
import type { StoreProblem } from './judge-store-stats';
import type { SyncCursor } from './sync-cursor';
import type { FeedRules } from './to-attribute-update';

/*
 * What SyncPipeline needs from the outside, no more: the sources it pulls (MISP, feeds), the two
 * sinks it writes (memcached, the indicator topic), where its cursor survives restarts, a progress
 * line and a logger. The classes beside it implement them (MispSource, FeedSource,
 * IndicatorStoreSink, IndicatorChangesSink, SyncStateStore, TtyProgressLine); the unit spec drives
 * the pipeline through fakes of them, the integration tier through the real ones.
 */

/** One page of attributes from a pull; `total` when the source knows how many the pull will yield. */
export interface AttributePage {
  readonly attributes: readonly MispAttribute[];
  readonly total?: number;
}

/** Lower bounds of a pull (seconds, inclusive): attribute timestamp, event timestamp; none = everything. */
export interface PullWindow {
  readonly timestamp?: number;
  readonly eventTimestamp?: number;
  /**
   * Ask only for the attribute types we can match. Right for a full pull (whatever it does not
   * return is removed), wrong for an incremental one: an edit can change the type, and MISP's
   * sanitise-on-delete turns a deleted indicator into a `comment`, which we must still see.
   */
  readonly matchableTypesOnly?: boolean;
}

/** A paged pull of attributes. */
export interface AttributeSource {
  pages(window: PullWindow): AsyncIterable<AttributePage>;
  /** The current state of the given attributes (absent = hard-deleted or no longer matchable). */
  pagesByUuid(uuids: readonly string[]): AsyncIterable<AttributePage>;
}

/**
 * One poll of a feed read directly (no MISP server). `events` bounds the reconciliation: undefined
 * = the read covered the whole feed, so every attribute of the source it did not yield is removed;
 * a set = only those events were re-read (an incremental poll), so only their missing attributes
 * are removed.
 */
export interface FeedRead {
  readonly mode: 'full' | 'incremental';
  readonly events?: ReadonlySet<string>;
  /**
   * Events of a MISP-format feed whose file could not be read or used during `pages()`: their
   * attributes are left as they were (not reconciled away) and are read again on the next poll.
   */
  readonly skippedEvents?: ReadonlySet<string>;
  pages(): AsyncIterable<AttributePage>;
  /** Called once every page was applied and reconciled: the feed may now skip what it read. */
  commit(): void;
}

/** A directly read feed: its contribution source and feed rules, and one read per poll. */
export interface FeedPort {
  /** The contribution source of its attributes (`feed:<name>`); also its name in the sentinel. */
  readonly name: string;
  readonly rules: FeedRules;
  read(): Promise<FeedRead>;
}

/** A live progress display (a TTY line); `update` is called at most every few hundred ms. */
export interface ProgressPort {
  update(line: string): void;
  done(): void;
}

/** memcached as the enricher reads it (IndicatorStoreSink). */
export interface IndicatorStorePort {
  /** The diff's memcached sets and deletes. */
  apply(diff: IndicatorDiff): Promise<void>;
  /** The sync sentinel's text under its reserved key. */
  writeSentinel(sentinel: string): Promise<void>;
  /** Compares the servers' stats with the last look and rewrites every key from `records` when keys were lost. */
  checkAndRepair(records: () => Iterable<IndicatorRecord>, expectedItems: number): Promise<StoreProblem | undefined>;
}

/** The compacted indicator topic: the change log and, read from the start, the state. */
export interface IndicatorChangesPort {
  publish(records: IndicatorDiff['records']): Promise<void>;
  /** The sync sentinel's text as the topic's freshness record (reserved key `SYNC_SENTINEL_KEY`). */
  publishFreshness(sentinel: string): Promise<void>;
}

/** What a restart finds in Kafka besides the indicators: the cursor and the last freshness record. */
export interface RestoredSync {
  readonly cursor?: SyncCursor;
  readonly freshness?: SyncSentinel;
}

/** Where the cursor survives restarts, and how the indicator state is rebuilt. */
export interface SyncStatePort {
  restore(state: IndicatorState): Promise<RestoredSync>;
  saveCursor(cursor: SyncCursor): Promise<void>;
}

export interface PipelineLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
