import { classifyMispResponse, type MispExchange } from './classify-misp-response';
import type { MispErrorCode } from './misp-error';

/**
 * What one `POST /sightings/add` exchange means:
 *
 * - `added`: MISP saved the sightings (200, `{"saved": true, …}`: RestResponse saveSuccessResponse).
 * - `refused`: MISP refused the request for its content — saveFailResponse answers **403** with
 *   `{"saved": false, "name": "Could not add Sighting", "errors": "No valid attributes found that
 *   match the criteria."}` (no attribute holds any of the values, or a bad type). Retrying the same
 *   request cannot help; the caller skips it and counts `reason`.
 * - `failed`: everything else as classifyMispResponse says (a 403 without `saved: false` is the
 *   key's fault, MISP_AUTH; 5xx, timeouts and connection errors are MISP_UNAVAILABLE, retriable).
 */
export type SightingReply =
  | { readonly kind: 'added'; readonly message: string }
  | { readonly kind: 'refused'; readonly reason: SightingRefusal; readonly detail: string }
  | { readonly kind: 'failed'; readonly code: MispErrorCode; readonly status?: number; readonly detail: string };

/** Closed set of content refusals (metric label values). */
export type SightingRefusal = 'not_found' | 'invalid';

const DETAIL_CHARS = 200;

export function classifySightingReply(exchange: MispExchange): SightingReply {
  if (exchange.kind === 'reply' && exchange.status === 403) {
    const body = parseObject(exchange.body);
    if (body !== undefined && body['saved'] === false) {
      const errors = typeof body['errors'] === 'string' ? body['errors'] : JSON.stringify(body['errors'] ?? body['message'] ?? '');
      return { kind: 'refused', reason: /no valid attributes/i.test(errors) ? 'not_found' : 'invalid', detail: errors.slice(0, DETAIL_CHARS) };
    }
  }
  const classified = classifyMispResponse(exchange);
  if (!classified.ok) return { kind: 'failed', code: classified.code, ...(classified.status === undefined ? {} : { status: classified.status }), detail: classified.detail };
  const body = classified.json;
  const saved = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (saved?.['saved'] === false) return { kind: 'refused', reason: 'invalid', detail: String(saved['errors'] ?? saved['message'] ?? '').slice(0, DETAIL_CHARS) };
  const message = typeof saved?.['message'] === 'string' ? saved['message'] : typeof saved?.['success'] === 'string' ? saved['success'] : '';
  return { kind: 'added', message: message.slice(0, DETAIL_CHARS) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
