import { CodedError } from '../coded-error';

/**
 * The closed set of failures talking to MISP. `retriable` says whether the same request can
 * succeed later (MISP was down, slow or sent a broken reply) or not (the key or the request is
 * wrong, so a retry fails the same way until someone changes the configuration).
 */
export const MISP_ERROR_CODES = {
  /** 401/403: the API key is missing, wrong, disabled, or the user may not use the API. */
  MISP_AUTH: false,
  /** 5xx, no reply within the timeout, connection refused/reset, TLS handshake failure. */
  MISP_UNAVAILABLE: true,
  /** 2xx whose body is not JSON or not the restSearch envelope (a proxy page, a truncated body). */
  MISP_BAD_RESPONSE: true,
  /** Any other 4xx: MISP refused the request itself (bad filter, unknown endpoint). */
  MISP_REJECTED: false,
  /** MispClient options are invalid (bad url, empty key); raised at construction. */
  MISP_INVALID_CONFIG: false,
} as const;

export type MispErrorCode = keyof typeof MISP_ERROR_CODES;

export class MispError extends CodedError<MispErrorCode> {
  override readonly name = 'MispError';

  constructor(
    code: MispErrorCode,
    message: string,
    /** HTTP status when MISP answered at all. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, MISP_ERROR_CODES, options);
  }
}

export function isMispError(error: unknown, code?: MispErrorCode): error is MispError {
  return error instanceof MispError && (code === undefined || error.code === code);
}
