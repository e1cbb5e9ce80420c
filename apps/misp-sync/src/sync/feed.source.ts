import { createHash } from 'node:crypto';
import { backoffDelay, type MispAttribute } from '@iocflow/core';
import { FeedError, type FeedReadPort } from '@iocflow/io';
import { extractFreetextValues } from './feed/extract-freetext-values';
import { feedEventAttributes } from './feed/feed-event-attributes';
import { feedValueAttributes } from './feed/feed-value-attributes';
import { parseCsvFeed } from './feed/parse-csv-feed';
import { parseFeedManifest, UNKNOWN_TIMESTAMP, type FeedManifest } from './feed/parse-feed-manifest';
import type { AttributePage, FeedPort, FeedRead } from './sync-ports';
import type { FeedRules } from './to-attribute-update';

export type FeedFormat = 'misp' | 'csv' | 'freetext';

export interface FeedSourceOptions {
  readonly format: FeedFormat;
  /** Contribution source (`feed:<name>`) and the feed rules of its attributes. */
  readonly rules: FeedRules & { readonly source: string };
  /** Shown as the event info of CSV and freetext indicators. */
  readonly feedName: string;
  readonly csvColumn: number;
  /** `auto` or a MISP type for every CSV / freetext value. */
  readonly valueType: string;
  /** Every N-th poll reads the whole feed (and removes what it no longer holds); the others only changed events. */
  readonly fullReadEvery: number;
  /** Attributes per page handed to the pipeline (one memcached + Kafka write each). */
  readonly pageSize: number;
  /** MISP feeds: event files read at the same time. */
  readonly concurrency: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface FeedSourceHooks {
  /** Every failed read, retried or not (metrics, logs). */
  onError(error: unknown, attempt: number, willRetry: boolean): void;
  /** Entries of a file that were skipped (unusable attributes, CSV lines that are no indicator, manifest keys that are no uuid). */
  onSkipped(file: string, count: number, first: unknown): void;
  /** A MISP-format feed's event file that could not be used (after its retries): skipped, read again next poll. */
  onEventSkipped(file: string, error: unknown): void;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/**
 * A feed read directly, without a MISP server: a MISP-format feed (`manifest.json` and one
 * `<event uuid>.json` per event), or one CSV or freetext file.
 *
 * Polls of a MISP feed are incremental: only events whose manifest `timestamp` changed (or that
 * are new) are read, and only their attributes are reconciled. Every `fullReadEvery`-th poll, the
 * first poll after a start, and any poll whose manifest lists another set of events read every
 * event and reconcile the whole source, so a dropped event — or anything an incremental poll could
 * not see — leaves the store. A CSV or freetext file is one unit: read whole when its content
 * changed, skipped when not (except on the full polls).
 *
 * What was read is remembered only when the pipeline `commit`s the read, after every page was
 * applied: a failed poll is read again in full by the next.
 */
export class FeedSource implements FeedPort {
  private manifest: FeedManifest | undefined;
  private contentHash: string | undefined;
  private pollsSinceFull = 0;

  constructor(
    private readonly client: FeedReadPort,
    private readonly options: FeedSourceOptions,
    private readonly hooks: FeedSourceHooks,
  ) {}

  get name(): string {
    return this.options.rules.source;
  }

  get rules(): FeedRules {
    return this.options.rules;
  }

  async read(): Promise<FeedRead> {
    return this.options.format === 'misp' ? this.readMispFeed() : this.readFile();
  }

  private fullDue(): boolean {
    return this.pollsSinceFull + 1 >= this.options.fullReadEvery;
  }

  private async readMispFeed(): Promise<FeedRead> {
    const manifest = await this.withRetry(async () => {
      const parsed = parseFeedManifest(parseJson(await this.client.read('manifest.json'), 'manifest.json'));
      if (!parsed.ok) throw new FeedError('FEED_BAD_CONTENT', `manifest.json: ${parsed.reason}`);
      if (parsed.ignored.length > 0) this.hooks.onSkipped('manifest.json', parsed.ignored.length, parsed.ignored[0]);
      return parsed.manifest;
    });
    const previous = this.manifest;
    const full = previous === undefined || this.fullDue() || !sameEvents(previous, manifest);
    const events = [...manifest]
      .filter(([uuid, entry]) => full || entry.timestamp === UNKNOWN_TIMESTAMP || previous?.get(uuid)?.timestamp !== entry.timestamp)
      .map(([uuid]) => uuid);
    const skippedEvents = new Set<string>();
    return {
      mode: full ? 'full' : 'incremental',
      ...(full ? {} : { events: new Set(events) }),
      skippedEvents,
      pages: () => this.eventPages(events, skippedEvents),
      commit: () => {
        // a skipped event is remembered as unread, so the next poll reads it again
        this.manifest = skippedEvents.size === 0 ? manifest : new Map([...manifest].map(([uuid, entry]) => [uuid, skippedEvents.has(uuid) ? { ...entry, timestamp: UNKNOWN_TIMESTAMP } : entry]));
        this.pollsSinceFull = full ? 0 : this.pollsSinceFull + 1;
      },
    };
  }

  /**
   * Event files in manifest order, `concurrency` in flight, grouped into pages of about `pageSize`
   * attributes. One event file is one record: a file that is not a usable event (bad JSON, another
   * event, missing, too large — after its retries) is skipped into `skipped`, and the poll goes
   * on; only a failure of the feed server itself (unreachable, refusing: FEED_UNAVAILABLE,
   * FEED_REJECTED) fails the poll.
   */
  private async *eventPages(uuids: readonly string[], skipped: Set<string>): AsyncIterable<AttributePage> {
    const pending: Promise<readonly MispAttribute[]>[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length < this.options.concurrency && next < uuids.length) {
        const uuid = uuids[next++] ?? '';
        const read = this.readEvent(uuid).catch((error: unknown) => {
          if (!isEventContentError(error)) throw error;
          this.hooks.onEventSkipped(`${uuid}.json`, error);
          skipped.add(uuid);
          return [];
        });
        // Marks a rejection handled when the caller stops early; awaiting it still throws.
        read.catch(() => undefined);
        pending.push(read);
      }
    };
    let page: MispAttribute[] = [];
    fill();
    while (pending.length > 0) {
      const attributes = await pending.shift();
      fill();
      page.push(...(attributes ?? []));
      if (page.length >= this.options.pageSize) {
        yield { attributes: page };
        page = [];
      }
    }
    if (page.length > 0) yield { attributes: page };
  }

  private readEvent(uuid: string): Promise<readonly MispAttribute[]> {
    const file = `${uuid}.json`;
    return this.withRetry(async () => {
      const result = feedEventAttributes(parseJson(await this.client.read(file), file), this.options.rules.source);
      if (!result.ok) throw new FeedError('FEED_BAD_CONTENT', `${file}: ${result.reason}`);
      if (result.eventUuid !== uuid) throw new FeedError('FEED_BAD_CONTENT', `${file} holds event ${result.eventUuid}`);
      if (result.invalid.length > 0) this.hooks.onSkipped(file, result.invalid.length, result.invalid[0]);
      return result.attributes;
    });
  }

  private async readFile(): Promise<FeedRead> {
    const text = await this.withRetry(() => this.client.read());
    const hash = createHash('sha256').update(text, 'utf8').digest('hex');
    const commitWith = (full: boolean) => () => {
      this.contentHash = hash;
      this.pollsSinceFull = full ? 0 : this.pollsSinceFull + 1;
    };
    if (hash === this.contentHash && !this.fullDue()) {
      return { mode: 'incremental', events: new Set(), pages: () => pagesOf([], this.options.pageSize), commit: commitWith(false) };
    }
    const values = this.options.format === 'csv' ? parseCsvFeed(text, { column: this.options.csvColumn, valueType: this.options.valueType }) : { values: extractFreetextValues(text, this.options.valueType), skipped: 0 };
    if (values.skipped > 0) this.hooks.onSkipped('feed file', values.skipped, undefined);
    const attributes = feedValueAttributes(values.values, this.options.rules.source, this.options.feedName);
    return { mode: 'full', pages: () => pagesOf(attributes, this.options.pageSize), commit: commitWith(true) };
  }

  private async withRetry<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        const willRetry = (!(error instanceof FeedError) || error.retriable) && attempt <= this.options.retries;
        this.hooks.onError(error, attempt, willRetry);
        if (!willRetry) throw error;
        await this.hooks.sleep(backoffDelay(attempt, this.options.retryBaseMs, this.options.retryMaxMs, this.hooks.random()));
      }
    }
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FeedError('FEED_BAD_CONTENT', `${file} is not JSON`);
  }
}

function sameEvents(a: FeedManifest, b: FeedManifest): boolean {
  if (a.size !== b.size) return false;
  for (const uuid of a.keys()) if (!b.has(uuid)) return false;
  return true;
}

async function* pagesOf(attributes: readonly MispAttribute[], pageSize: number): AsyncIterable<AttributePage> {
  for (let i = 0; i < attributes.length; i += pageSize) yield { attributes: attributes.slice(i, i + pageSize), total: attributes.length };
}

/** A failure of one event file's content, not of the feed server: that event is skipped, the poll goes on. */
function isEventContentError(error: unknown): boolean {
  return error instanceof FeedError && (error.code === 'FEED_BAD_CONTENT' || error.code === 'FEED_NOT_FOUND' || error.code === 'FEED_TOO_LARGE');
}
