import { jsonDepthExceeds, scanJsonFields, type JsonFieldPlan, type JsonFieldScan } from '@iocflow/core';
import type { Rejection } from './dead-letter-reason';

/**
 * A raw-logs record value that is a JSON object: what the enricher reads of it, and its text for
 * splicing the output in.
 *
 * Two shapes, one meaning. The scan path (`readEvent`, the hot path) leaves `text` as the record's
 * own UTF-8 bytes and `event` as the scan, which hands each lookup rule its value directly
 * (`complete: false`); the parse path (`parseEvent`) decodes and parses the whole value
 * (`complete: true`). Either way `extractObservables(event, rules, …)` gives the same observations.
 */
export type ParsedEvent = WholeEvent | ScannedEvent;

interface EventText {
  /** Where the text starts in `text` (3 past a byte order mark on the scan path, else 0). */
  readonly start: number;
  /** Index of the object's closing brace in `text`. */
  readonly close: number;
  /** Whether the object has no member. */
  readonly empty: boolean;
}

/**
 * The whole event, decoded and parsed. Only this shape may hold the fields the enricher writes
 * (`misp_src`, `threat`, `misp_partial`): such an event is rebuilt, not spliced.
 */
export interface WholeEvent extends EventText {
  readonly complete: true;
  readonly event: Record<string, unknown>;
  /** The decoded JSON text, without a byte order mark. */
  readonly text: string;
}

/** The hot path's event: the record's bytes and the scan of the rules' fields (valid until the plan's next scan). */
export interface ScannedEvent extends EventText {
  readonly complete: false;
  readonly event: JsonFieldScan;
  /** The record's own bytes (a byte order mark, if any, before `start`). */
  readonly text: Buffer;
}

/** What an event may be: ENRICHER_MAX_EVENT_BYTES and ENRICHER_MAX_DEPTH. */
export interface EventLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export type ParseResult<Parsed extends ParsedEvent = ParsedEvent> = { readonly ok: true; readonly parsed: Parsed } | { readonly ok: false; readonly rejection: Rejection };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Read one raw-logs record value on the hot path: the checks of `parseEvent` (same verdicts, same
 * reasons), but one validating scan over the bytes (`scanJsonFields` with the rules' plan) instead
 * of decoding and parsing the whole event. What the scan does not vouch for — anything that is not
 * a JSON object, so a rejection whose message JSON.parse words; an object with a duplicated key on
 * a rule's path — and an event that already holds a field the enricher writes (a replay: its
 * output is rebuilt from the whole event) take `parseEvent`.
 */
export function readEvent(value: Uint8Array | null | undefined, limits: EventLimits, plan: JsonFieldPlan): ParseResult {
  if (value === null || value === undefined || value.length === 0 || value.length > limits.maxBytes || jsonDepthExceeds(value, limits.maxDepth)) return parseEvent(value, limits);
  const scan = scanJsonFields(value, plan);
  if (scan === undefined || scan.watched) return parseEvent(value, limits);
  const text = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return { ok: true, parsed: { event: scan, text, start: scan.start, close: scan.close, empty: scan.empty, complete: false } };
}

/**
 * Parse one raw-logs record value. A log event must be a JSON object in UTF-8 of at most
 * `maxBytes` bytes, nesting objects and arrays at most `maxDepth` deep; anything else is a
 * rejection with a reason code. The size and depth checks come first so such a value is never
 * decoded or parsed; the depth check costs nothing for a value shorter than 2 × maxDepth bytes.
 * The depth limit keeps every later step safe on the event (the rebuild of a pre-enriched event
 * serialises it again, and V8's JSON.stringify recurses).
 */
export function parseEvent(value: Uint8Array | null | undefined, limits: EventLimits): ParseResult<WholeEvent> {
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
  return { ok: true, parsed: { event: event as Record<string, unknown>, text, start: 0, close: text.lastIndexOf('}'), empty: hasNoKeys(event), complete: true } };
}

function hasNoKeys(event: object): boolean {
  for (const key in event) if (Object.hasOwn(event, key)) return false;
  return true;
}

function reject(reason: Rejection['reason'], message: string): { readonly ok: false; readonly rejection: Rejection } {
  return { ok: false, rejection: { reason, message } };
}
