import type { MispErrorCode } from './misp-error';

/**
 * What came back from one MISP HTTP call, as the owner class saw it: either a reply (status and
 * raw body text) or a transport failure (Node's `error.code`, e.g. ECONNREFUSED, or `TIMEOUT`).
 */
export type MispExchange =
  | { readonly kind: 'reply'; readonly status: number; readonly body: string }
  | { readonly kind: 'transport'; readonly errorCode: string; readonly message: string };

export type MispClassification =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly code: MispErrorCode; readonly status?: number; readonly detail: string };

/** How much of an unexpected body goes into an error message (proxy pages can be large). */
const DETAIL_CHARS = 200;

/**
 * MISP's error bodies are `{"name", "message", "url"}`; prefer its message, else the body head.
 * Bodies never contain the API key, so quoting them is safe.
 */
function describeBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') {
      return parsed.message.slice(0, DETAIL_CHARS);
    }
  } catch {
    // not JSON: fall through to the raw head
  }
  return body.slice(0, DETAIL_CHARS).replace(/\s+/g, ' ').trim();
}

/**
 * Decides what one MISP exchange means for the caller. Pure; the table in the spec feeds it
 * recorded MISP replies. 2xx bodies must be JSON here; the envelope check belongs to the caller
 * that knows which endpoint it called.
 */
export function classifyMispResponse(exchange: MispExchange): MispClassification {
  if (exchange.kind === 'transport') {
    return { ok: false, code: 'MISP_UNAVAILABLE', detail: `${exchange.errorCode}: ${exchange.message}` };
  }
  const { status, body } = exchange;
  if (status === 401 || status === 403) {
    return { ok: false, code: 'MISP_AUTH', status, detail: describeBody(body) };
  }
  if (status >= 500 || status === 408 || status === 429) {
    // 408/429 are a busy server or a rate-limiting proxy in front of MISP: waiting helps.
    return { ok: false, code: 'MISP_UNAVAILABLE', status, detail: describeBody(body) };
  }
  if (status >= 400) {
    return { ok: false, code: 'MISP_REJECTED', status, detail: describeBody(body) };
  }
  if (status < 200 || status >= 300) {
    // 3xx: MISP redirects to its login page when the key is not accepted for the API.
    return { ok: false, code: status >= 300 && status < 400 ? 'MISP_AUTH' : 'MISP_BAD_RESPONSE', status, detail: `unexpected status ${status}` };
  }
  try {
    return { ok: true, json: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, code: 'MISP_BAD_RESPONSE', status, detail: `body is not JSON: ${describeBody(body)}` };
  }
}
