import { CodedError } from '@iocflow/core';

/**
 * The closed set of failures reading a directly read feed; `retriable` says whether reading again
 * later can succeed. Any of them fails the poll, and a failed poll removes nothing.
 */
export const FEED_ERROR_CODES = {
  /** Connection refused/reset, timeout, TLS failure, 5xx or 429, a file that cannot be read now. */
  FEED_UNAVAILABLE: true,
  /** A file that is not the expected format (truncated JSON, an HTML error page, a wrong event). */
  FEED_BAD_CONTENT: true,
  /** 404 or a missing file: the manifest names an event the feed does not hold, or a wrong FEED_URL. */
  FEED_NOT_FOUND: false,
  /** Any other HTTP 4xx (401/403: the feed needs credentials). */
  FEED_REJECTED: false,
  /** Larger than the reader accepts. */
  FEED_TOO_LARGE: false,
  /** FEED_URL or the CA file cannot be used. */
  FEED_INVALID_CONFIG: false,
} as const;

export type FeedErrorCode = keyof typeof FEED_ERROR_CODES;

export class FeedError extends CodedError<FeedErrorCode> {
  override readonly name = 'FeedError';

  constructor(code: FeedErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, FEED_ERROR_CODES, options);
  }
}

/** The code of an HTTP reply that is not 2xx. */
export function feedErrorCodeForStatus(status: number): FeedErrorCode {
  if (status === 404 || status === 410) return 'FEED_NOT_FOUND';
  if (status >= 500 || status === 429 || status === 408) return 'FEED_UNAVAILABLE';
  return 'FEED_REJECTED';
}
