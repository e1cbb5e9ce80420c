import { readIndicatorRecord } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaTopicReaderPort } from '@iocflow/io';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from './indicator-lookup';
import { IndicatorTable } from './indicator-table';
import { StoreUnavailableError } from './store-unavailable.error';

export interface TableLookupEvents {
  /** A full load finished and the new table now serves lookups. */
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

/**
 * Table mode: an in-memory index of the compacted indicator topic, no network per lookup.
 *
 * Load in two phases, as Vector does for enrichment tables: a reader reads the topic from the
 * start into a NEW table while the current one (if any) keeps serving; once the reader reaches
 * the high-watermark it had at the start, the reference is swapped in one assignment, so a
 * lookup sees either the old or the new table, never a half-built one. The same reader then
 * follows the topic and applies changes (including tombstones) to the serving table.
 * Until the first load completes the store is unusable (STORE_LOADING): no false "none".
 */
export class TableIndicatorLookup implements IndicatorLookup {
  readonly mode = 'table';
  private serving: IndicatorTable | undefined;
  private reader: KafkaTopicReaderPort | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly topic: string,
    private readonly createReader: () => KafkaTopicReaderPort,
    private readonly events: TableLookupEvents = {},
  ) {}

  get size(): number {
    return this.serving?.size ?? 0;
  }

  status(): StoreStatus {
    return this.serving === undefined ? { usable: false, reason: `indicator topic ${this.topic} not loaded yet` } : { usable: true };
  }

  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    const table = this.serving;
    if (table === undefined) throw new StoreUnavailableError('STORE_LOADING', `indicator topic ${this.topic} not loaded yet`);
    return queries.map((query) => table.lookup(query));
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
    const building = new IndicatorTable();
    // Records go to `building` until the swap; after it `building` IS the serving table.
    const reader = this.createReader();
    try {
      const result = await reader.read(this.topic, async (batch) => this.applyBatch(building, batch), { follow: true });
      const previous = this.reader;
      this.serving = building;
      this.reader = reader;
      await previous?.stop();
      this.events.loaded?.(building.size, result.messages, (performance.now() - started) / 1000);
    } catch (error) {
      await reader.stop().catch(() => undefined);
      this.events.readerFailed?.(error);
      throw error;
    }
  }

  /**
   * One record at a time, each contained to itself: a value that is not a usable IndicatorRecord
   * (checked field by field by core's readIndicatorRecord), or one whose loading throws, is
   * reported and skipped — it never stops a load or the follower, which would leave the store
   * loading (every batch held) or frozen.
   */
  private async applyBatch(table: IndicatorTable, batch: KafkaConsumedBatch): Promise<void> {
    for (const message of batch.messages) {
      if (message.key === null) continue;
      const key = message.key.toString('utf8');
      try {
        if (message.value === null) {
          table.apply(key, null);
          continue;
        }
        const read = readIndicatorRecord(key, message.value.toString('utf8'));
        if (!read.ok) this.events.invalidRecord?.(key, read.reason, read.detail, message.offset);
        else if (!table.apply(key, read.record)) this.events.invalidRecord?.(key, 'not_indexable', 'the value cannot be indexed (an invalid IP range?)', message.offset);
      } catch (error) {
        this.events.invalidRecord?.(key, 'load_failed', error instanceof Error ? error.message : String(error), message.offset);
      }
    }
  }
}

/** Why the table skipped a record of the indicator topic (a closed set: a metric label). */
export type IgnoredRecordReason = 'not_json' | 'not_record' | 'not_indexable' | 'load_failed';
