import { jsonDepthExceeds } from '@iocflow/core';
import type { Rejection } from './dead-letter-reason';

/** A raw-logs record value that is a JSON object, with its text kept for a cheap re-serialisation. */
export interface ParsedEvent {
  readonly event: Record<string, unknown>;
  readonly text: string;
}

/** What an event may be: ENRICHER_MAX_EVENT_BYTES and ENRICHER_MAX_DEPTH. */
export interface EventLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export type ParseResult = { readonly ok: true; readonly parsed: ParsedEvent } | { readonly ok: false; readonly rejection: Rejection };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parse one raw-logs record value. A log event must be a JSON object in UTF-8 of at most
 * `maxBytes` bytes, nesting objects and arrays at most `maxDepth` deep; anything else is a
 * rejection with a reason code. The size and depth checks come first so such a value is never
 * decoded or parsed; the depth check costs nothing for a value shorter than 2 × maxDepth bytes.
 * The depth limit keeps every later step safe on the event (the rebuild of a pre-enriched event
 * serialises it again, and V8's JSON.stringify recurses).
 */
export function parseEvent(value: Uint8Array | null | undefined, limits: EventLimits): ParseResult {
  if (value === null || value === undefined || value.length === 0) {
    return reject('empty_value', 'the record has no value');
  }
  const { maxBytes, maxDepth } = limits;
  if (value.length > maxBytes) return reject('too_large', `value is ${value.length} bytes, the limit is ${maxBytes}`);
  if (jsonDepthExceeds(value, maxDepth)) return reject('too_deep', `objects and arrays nested more than ${maxDepth} deep`);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return reject('not_utf8', 'value is not valid UTF-8');
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return reject('not_json', (error as Error).message.slice(0, 200));
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return reject('not_object', `value is JSON ${event === null ? 'null' : Array.isArray(event) ? 'array' : typeof event}, not an object`);
  }
  return { ok: true, parsed: { event: event as Record<string, unknown>, text } };
}

function reject(reason: Rejection['reason'], message: string): ParseResult {
  return { ok: false, rejection: { reason, message } };
}
