import { CodedError } from '@iocflow/core';

/**
 * The lookup store cannot answer without risking a false "none". Always retriable: the pipeline
 * holds the batch (nothing produced, nothing committed) and retries with backoff, or, in
 * pass-unknown mode, passes the batch through marked `unknown`.
 */
export const STORE_UNAVAILABLE_CODES = {
  /** memcached unreachable, timed out or in reconnect backoff. */
  STORE_UNREACHABLE: true,
  /**
   * memcached answered, but not with values: SERVER_ERROR (out of memory; a proxy such as
   * mcrouter or twemproxy in front, without its backend), a reply that is not the protocol or is
   * over MEMCACHED_MAX_REPLY_BYTES. The store is broken, not the batch: held like an outage.
   */
  STORE_REFUSED: true,
  /** No sync sentinel: misp-sync never completed a sync into this store, or the store was flushed/restarted; table mode: no freshness record on the topic yet. */
  STORE_EMPTY: true,
  /** A source of the sentinel missed its own schedule (last success + its poll interval + ENRICHER_MAX_STALENESS), or the sentinel is unreadable or in the future. */
  STORE_STALE: true,
  /** Table mode: the indicator topic has not been read up to its high watermark yet; memcached mode: the IP ranges are loading. */
  STORE_LOADING: true,
} as const;

export type StoreUnavailableCode = keyof typeof STORE_UNAVAILABLE_CODES;

export class StoreUnavailableError extends CodedError<StoreUnavailableCode> {
  override readonly name = 'StoreUnavailableError';

  constructor(code: StoreUnavailableCode, message: string, options?: { cause?: unknown }) {
    super(code, message, STORE_UNAVAILABLE_CODES, options);
  }
}
