import { isMispError, SUPPORTED_MISP_TYPES, type MispAttribute } from '@iocflow/core';
import { retryDelay } from './retry-delay';
import type { AttributePage, AttributeSource } from './sync.pipeline';

/** One page of `/attributes/restSearch`, as the MISP owner class returns it. */
export interface MispSearchResult {
  readonly attributes: readonly MispAttribute[];
  /** Items on the page that were not usable attributes (counted for paging, logged by the owner). */
  readonly rejected: number;
}

/** The MISP call this source needs (MispClient implements it). */
export interface MispSearchPort {
  searchAttributes(filter: Readonly<Record<string, unknown>>, page: number, limit: number): Promise<MispSearchResult>;
}

export interface MispSourceOptions {
  readonly pageSize: number;
  readonly enforceWarninglist: boolean;
  /** Retries of one page after the first failure (retriable errors only). */
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface MispSourceHooks {
  /** Called for every failed request, retried or not (metrics, rate-limited logs). */
  onError(error: unknown, attempt: number, willRetry: boolean): void;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/**
 * The restSearch filter of a pull. `deleted: [0,1]` returns soft-deleted attributes (a soft delete
 * bumps the timestamp, so it shows up incrementally); `to_ids` is not filtered server-side because
 * turning it off is an edit we must see; only types we can match are asked for.
 */
export function mispSearchFilter(from: number | undefined, enforceWarninglist: boolean): Record<string, unknown> {
  return {
    returnFormat: 'json',
    type: [...SUPPORTED_MISP_TYPES],
    deleted: [0, 1],
    includeEventTags: true,
    ...(from === undefined ? {} : { timestamp: from }),
    ...(enforceWarninglist ? { enforceWarninglist: true } : {}),
  };
}

/**
 * MISP's `/attributes/restSearch`, paged (1-based `page`, `limit`), one page at a time so memory
 * stays flat for any MISP size. The pull ends at the first short page. A failed page is retried
 * with backoff when the error says waiting helps (5xx, timeouts, garbage); anything else — or the
 * last retry — rejects, and the pipeline keeps everything as it was.
 */
export class MispSource implements AttributeSource {
  constructor(
    private readonly client: MispSearchPort,
    private readonly options: MispSourceOptions,
    private readonly hooks: MispSourceHooks,
  ) {}

  async *pages(from: number | undefined): AsyncIterable<AttributePage> {
    const filter = mispSearchFilter(from, this.options.enforceWarninglist);
    for (let page = 1; ; page++) {
      const result = await this.fetchPage(filter, page);
      yield { attributes: result.attributes };
      if (result.attributes.length + result.rejected < this.options.pageSize) return;
    }
  }

  private async fetchPage(filter: Readonly<Record<string, unknown>>, page: number): Promise<MispSearchResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.searchAttributes(filter, page, this.options.pageSize);
      } catch (error) {
        const retriable = !isMispError(error) || error.retriable;
        const willRetry = retriable && attempt <= this.options.retries;
        this.hooks.onError(error, attempt, willRetry);
        if (!willRetry) throw error;
        await this.hooks.sleep(retryDelay(attempt, this.options.retryBaseMs, this.options.retryMaxMs, this.hooks.random()));
      }
    }
  }
}
