import { readIndicatorRecord, SYNC_SENTINEL_KEY } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaTopicReaderPort } from '@iocflow/io';
import { IndicatorTable } from './indicator-table';

/** One materialisation of the topic: its indicators and the last freshness record read with them. */
export interface FollowedTopic {
  readonly table: IndicatorTable;
  /** The sync sentinel's text from the reserved key, as last read (undefined: none yet). */
  readonly freshness: string | undefined;
}

export interface TopicFollowerEvents {
  /** A full load finished and the new table now serves. */
  loaded?(indicators: number, records: number, seconds: number): void;
  /**
   * A record that is not a usable IndicatorRecord (`not_json`, `not_record`: a field of the wrong
   * type or missing; `not_indexable`: e.g. an IP range that is not one), or whose loading threw
   * (`load_failed`): ignored, the load goes on.
   */
  invalidRecord?(key: string, reason: IgnoredRecordReason, detail: string, offset: string): void;
  /** The reader failed; the current table (if any) keeps serving until a reload succeeds. */
  readerFailed?(error: unknown): void;
}

/** Why the follower skipped a record of the indicator topic (a closed set: a metric label). */
export type IgnoredRecordReason = 'not_json' | 'not_record' | 'not_indexable' | 'load_failed';

export interface TopicFollowerOptions {
  /**
   * Only keys this accepts are parsed and kept (memcached mode keeps the IP ranges only); the
   * freshness record is always read. Default: every key.
   */
  readonly keep?: (key: string) => boolean;
  readonly events?: TopicFollowerEvents;
}

class Materialisation implements FollowedTopic {
  readonly table = new IndicatorTable();
  freshness: string | undefined;
}

/**
 * Materialises the compacted indicator topic (`IOC_TOPIC`) in memory and follows it.
 *
 * Loaded in two phases, as Vector does for enrichment tables: a reader reads the topic from the
 * start into a NEW table while the current one (if any) keeps serving; once the reader reaches
 * the high-watermark it had at the start, the reference is swapped in one assignment, so a reader
 * of `current` sees either the old or the new table, never a half-built one. The same reader then
 * follows the topic and applies changes (tombstones included) to the serving table.
 *
 * The reserved key `SYNC_SENTINEL_KEY` is not an indicator: it is misp-sync's freshness record
 * (the sync sentinel's text), kept beside the table it was read with and never looked up.
 */
export class IndicatorTopicFollower {
  private serving: Materialisation | undefined;
  private reader: KafkaTopicReaderPort | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    readonly topic: string,
    private readonly createReader: () => KafkaTopicReaderPort,
    private readonly options: TopicFollowerOptions = {},
  ) {}

  /** The serving table and its freshness record; undefined until the first load completed. */
  get current(): FollowedTopic | undefined {
    return this.serving;
  }

  /**
   * (Re)load the topic into a new table and swap it in; resolves once swapped. The previous
   * reader is stopped only after the swap, so updates keep reaching the old table meanwhile.
   */
  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async stop(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.stop();
  }

  private async load(): Promise<void> {
    const started = performance.now();
    // Records go to `building` until the swap; after it `building` IS the serving one.
    const building = new Materialisation();
    const reader = this.createReader();
    try {
      const result = await reader.read(this.topic, async (batch) => this.applyBatch(building, batch), { follow: true });
      const previous = this.reader;
      this.serving = building;
      this.reader = reader;
      await previous?.stop();
      this.options.events?.loaded?.(building.table.size, result.messages, (performance.now() - started) / 1000);
    } catch (error) {
      await reader.stop().catch(() => undefined);
      this.options.events?.readerFailed?.(error);
      throw error;
    }
  }

  /**
   * One record at a time, each contained to itself: a value that is not a usable IndicatorRecord
   * (checked field by field by core's readIndicatorRecord), or one whose loading throws, is
   * reported and skipped — it never stops a load or the follower, which would leave the store
   * loading (every batch held) or frozen. The freshness record is recognised by its reserved key
   * before anything is parsed; it is judged (parsed with its own checks) where it is used.
   */
  private async applyBatch(into: Materialisation, batch: KafkaConsumedBatch): Promise<void> {
    const keep = this.options.keep;
    const events = this.options.events;
    for (const message of batch.messages) {
      if (message.key === null) continue;
      const key = message.key.toString('utf8');
      if (key === SYNC_SENTINEL_KEY) {
        // Compaction keeps the latest; a tombstone (never written by misp-sync) clears it.
        into.freshness = message.value === null ? undefined : message.value.toString('utf8');
        continue;
      }
      // Skipped keys are neither parsed nor kept; a tombstone of a kept key still removes it.
      if (keep !== undefined && !keep(key)) continue;
      try {
        if (message.value === null) {
          into.table.apply(key, null);
          continue;
        }
        const read = readIndicatorRecord(key, message.value.toString('utf8'));
        if (!read.ok) events?.invalidRecord?.(key, read.reason, read.detail, message.offset);
        else if (!into.table.apply(key, read.record)) events?.invalidRecord?.(key, 'not_indexable', 'the value cannot be indexed (an invalid IP range?)', message.offset);
      } catch (error) {
        events?.invalidRecord?.(key, 'load_failed', error instanceof Error ? error.message : String(error), message.offset);
      }
    }
  }
}
