import { CodedError } from '@iocflow/core';

/**
 * The closed set of failures the io owners report. `retriable` says whether trying the same call
 * again later can succeed (the service was unreachable or slow) or not (the input or the reply was
 * wrong, so a retry would fail the same way).
 */
export const IO_ERROR_CODES = {
  /** memcached refused the connection, the socket closed, or the server is in reconnect backoff. */
  MEMCACHED_UNAVAILABLE: true,
  /** No reply within the request timeout; the connection is reset because the stream is unknown. */
  MEMCACHED_TIMEOUT: true,
  /** memcached answered something that is not the text protocol (or ERROR / CLIENT_ERROR). */
  MEMCACHED_PROTOCOL: false,
  /** memcached refused one command (SERVER_ERROR, NOT_STORED), e.g. an object too large. */
  MEMCACHED_REJECTED: false,
  /** A memcached key that is not 1–250 bytes of printable ASCII; never written to the socket. */
  INVALID_KEY: false,
  /** Options given to an owner class at construction are invalid. */
  INVALID_CONFIG: false,
  /** No Kafka broker reachable, request timed out, or a retriable Kafka error persisted. */
  KAFKA_UNAVAILABLE: true,
  /** Kafka refused the request in a way a retry will not fix (authorisation, invalid config…). */
  KAFKA_REJECTED: false,
  /** Elasticsearch unreachable, timed out, or answered 429/5xx for the whole request. */
  ELASTICSEARCH_UNAVAILABLE: true,
  /** Elasticsearch refused the whole request with another 4xx (bad request, auth, too large). */
  ELASTICSEARCH_REJECTED: false,
  /** The owner was closed or stopped and cannot take more work. */
  CLOSED: false,
} as const;

export type IoErrorCode = keyof typeof IO_ERROR_CODES;

export class IoError extends CodedError<IoErrorCode> {
  override readonly name = 'IoError';

  constructor(code: IoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, IO_ERROR_CODES, options);
  }
}

export function isIoError(error: unknown, code?: IoErrorCode): error is IoError {
  return error instanceof IoError && (code === undefined || error.code === code);
}
