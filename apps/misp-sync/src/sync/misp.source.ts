import { backoffDelay, isMispError, SUPPORTED_MISP_TYPES } from '@iocflow/core';
import type { MispAttributeSearchFilter, MispAttributeSearchPage, MispClient } from '@iocflow/io';
import type { SelectionSearchFilter } from '../selection/attribute-selection';
import type { AttributePage, AttributeSource, PullWindow } from './sync-ports';

/** The MISP call this source needs. */
export type MispSearchPort = Pick<MispClient, 'searchAttributes'>;

export interface MispSourceOptions {
  readonly pageSize: number;
  readonly enforceWarninglist: boolean;
  /** Ask MISP for `decay_score` per attribute (its decaying models must be enabled). */
  readonly includeDecayScore?: boolean;
  /** The selection's restSearch parameters (published, tags, org, excludeDecayed), sent with every pull. */
  readonly selection?: SelectionSearchFilter;
  /** Retries of one page after the first failure (retriable errors only). */
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface MispSourceHooks {
  /** Called for every failed request, retried or not (metrics, rate-limited logs). */
  onError(error: unknown, attempt: number, willRetry: boolean): void;
  /** Called for a page with elements that are not usable attributes (they are skipped). */
  onInvalid(page: number, invalid: MispAttributeSearchPage['invalid']): void;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/**
 * The restSearch filter of a pull. `deleted: [0,1]` returns soft-deleted attributes (a soft delete
 * bumps the timestamp, so it shows up incrementally); `to_ids` is not filtered server-side because
 * turning it off is an edit we must see; types are filtered only when the window says so.
 */
export function mispSearchFilter(window: PullWindow, enforceWarninglist: boolean, includeDecayScore = false, selection: SelectionSearchFilter = {}): MispAttributeSearchFilter {
  return {
    ...selection,
    ...(window.matchableTypesOnly === true ? { type: [...SUPPORTED_MISP_TYPES] } : {}),
    deleted: [0, 1],
    includeEventTags: true,
    ...(window.timestamp === undefined ? {} : { timestamp: window.timestamp }),
    ...(window.eventTimestamp === undefined ? {} : { event_timestamp: window.eventTimestamp }),
    ...(enforceWarninglist ? { enforceWarninglist: true } : {}),
    ...(includeDecayScore ? { includeDecayScore: true } : {}),
  };
}

/**
 * MISP's `/attributes/restSearch`, paged (1-based `page`, `limit`), one page at a time so memory
 * stays flat for any MISP size. The pull ends at the first short page — or, with
 * `enforceWarninglist`, at the first empty one: MISP drops warninglisted attributes after applying
 * the limit, so a short page is not the last one there. A failed page is retried
 * with backoff when the error says waiting helps (5xx, timeouts, garbage); anything else — or the
 * last retry — rejects, and the pipeline keeps everything as it was.
 */
export class MispSource implements AttributeSource {
  constructor(
    private readonly client: MispSearchPort,
    private readonly options: MispSourceOptions,
    private readonly hooks: MispSourceHooks,
  ) {}

  async *pages(window: PullWindow): AsyncIterable<AttributePage> {
    yield* this.paged(mispSearchFilter(window, this.options.enforceWarninglist, this.options.includeDecayScore, this.options.selection));
  }

  /** The current state of the given attributes (live notifications ask MISP before applying). */
  async *pagesByUuid(uuids: readonly string[]): AsyncIterable<AttributePage> {
    // With the selection: an attribute that no longer qualifies is not returned, and is removed as a hard delete would be.
    yield* this.paged({ ...mispSearchFilter({}, this.options.enforceWarninglist, this.options.includeDecayScore, this.options.selection), uuid: uuids });
  }

  /**
   * Pages in order, the next one requested while the caller writes the current one (MISP's
   * latency overlaps our writes). A prefetched page the caller never takes is left to settle.
   */
  private async *paged(filter: MispAttributeSearchFilter): AsyncIterable<AttributePage> {
    let next = this.prefetch(filter, 1);
    for (let page = 1; ; page++) {
      const result = await next;
      if (result.invalid.length > 0) this.hooks.onInvalid(page, result.invalid);
      const last = this.options.enforceWarninglist ? result.received === 0 : result.received < this.options.pageSize;
      if (!last) next = this.prefetch(filter, page + 1);
      yield { attributes: result.attributes };
      if (last) return;
    }
  }

  private prefetch(filter: MispAttributeSearchFilter, page: number): Promise<MispAttributeSearchPage> {
    const pending = this.fetchPage(filter, page);
    // Marks the rejection handled for the case the caller stops early; awaiting it still throws.
    pending.catch(() => undefined);
    return pending;
  }

  private async fetchPage(filter: MispAttributeSearchFilter, page: number): Promise<MispAttributeSearchPage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.searchAttributes(filter, page, this.options.pageSize);
      } catch (error) {
        const retriable = !isMispError(error) || error.retriable;
        const willRetry = retriable && attempt <= this.options.retries;
        this.hooks.onError(error, attempt, willRetry);
        if (!willRetry) throw error;
        await this.hooks.sleep(backoffDelay(attempt, this.options.retryBaseMs, this.options.retryMaxMs, this.hooks.random()));
      }
    }
  }
}
