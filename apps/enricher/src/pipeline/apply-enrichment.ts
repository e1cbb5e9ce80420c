import { formatFeeds, stripTrailing, threatIndicatorType, type ObservableKind } from '@iocflow/core';
import type { IndicatorMatch } from '../lookup/indicator-lookup';
import type { Rejection } from './dead-letter-reason';
import type { Observation } from './extract-observables';
import type { ParsedEvent, ScannedEvent, WholeEvent } from './parse-event';

/** `misp_src` on a miss, as the seed's Logstash `mutate` writes it. */
export const MISP_SRC_NONE = 'none';
/**
 * `misp_src` when iocflow cannot say: the store could not answer (pass-unknown mode), or the
 * event held more observables than ENRICHER_MAX_OBSERVABLES_PER_EVENT and none of those looked
 * up hit.
 */
export const MISP_SRC_UNKNOWN = 'unknown';

/**
 * ECS `threat.enrichments.matched.type`. ECS lists `indicator_match_rule` (an indicator matched a
 * field of the event) and `investigation_time` (an analyst looked the value up later). Our match
 * is the former, made at ingest instead of by a scheduled rule, and Kibana shows such enrichments
 * in its indicator-match view; see docs/enricher.md.
 */
export const MATCHED_TYPE = 'indicator_match_rule';

export interface EnrichmentOptions {
  /** Base URL of the MISP UI; when set, `indicator.reference` links to the event (table mode only). */
  readonly mispUrl?: string;
  /** Most `threat.enrichments` entries written per event (ENRICHER_MAX_ENRICHMENTS); default unbounded. */
  readonly maxEnrichments?: number;
}

/** Longest `indicator.description` (the MISP event info) written, in characters; a longer one is cut and ends in `…`. */
export const MAX_DESCRIPTION_CHARS = 1024;

/** The field an event gets when a limit made its enrichment partial (absent otherwise). */
export const PARTIAL_FIELD = 'misp_partial';

/** The top-level fields the enricher writes: an event that already holds one is rebuilt (see applyEnrichment). */
export const OUTPUT_FIELDS: readonly string[] = ['misp_src', 'threat', PARTIAL_FIELD];

/** What `misp_partial` says: counts of what a limit left out. */
export interface PartialEnrichment {
  /** Distinct observables beyond ENRICHER_MAX_OBSERVABLES_PER_EVENT, not looked up. */
  readonly observables_unchecked?: number;
  /** Matched values whose `threat.enrichments` entry was left out (ENRICHER_MAX_ENRICHMENTS, or the record size). */
  readonly enrichments_omitted?: number;
}

/** One ECS `threat.enrichments[]` entry. */
export interface ThreatEnrichment {
  readonly indicator: Record<string, unknown>;
  readonly feed: { readonly name: string | string[] };
  readonly matched: { readonly atomic: string; readonly field: string; readonly type: string; readonly id?: string };
}

/** The outcome of one event's lookups: matches aligned with its observations, or "the store could not answer". */
export type LookupOutcome = { readonly known: true; readonly matches: readonly (IndicatorMatch | undefined)[] } | { readonly known: false };

/**
 * Why an event cannot carry our output without losing data: `threat` must be an object when
 * present (we add `threat.enrichments`). Checked before the lookup so such events dead-letter.
 */
export function outputConflict(event: Record<string, unknown>): Rejection | undefined {
  const threat = event['threat'];
  if (threat === undefined || threat === null || (typeof threat === 'object' && !Array.isArray(threat))) return undefined;
  return { reason: 'field_type', message: 'threat must be an object' };
}

/**
 * The enriched event as JSON text: the input untouched plus `misp_src` (feed names of every hit,
 * sorted, unique, comma-joined; `none` on a miss; `unknown` when the store could not answer, or
 * when `unchecked` observables were not looked up and none of the others hit — never `none` for
 * values nobody looked up) and, on a hit, `threat.enrichments[]` (one entry per matched field
 * value, at most `maxEnrichments`).
 *
 * Limits never cut `misp_src`: it always names the feeds of every hit. What they leave out is
 * said in `misp_partial` (`observables_unchecked`, `enrichments_omitted`), present only then.
 * A description (MISP event info) is cut to MAX_DESCRIPTION_CHARS.
 *
 * The common case — the event has none of `misp_src`, `threat`, `misp_partial` yet — appends the
 * fields to the original text instead of serialising the whole event again (for a scanned event,
 * `complete: false`, to its own bytes: the output is then a Buffer of UTF-8). Otherwise (a
 * replayed or pre-enriched event) the object is rebuilt: `misp_src` and `misp_partial` are
 * replaced and earlier enrichments from provider `misp` are dropped, so enriching twice gives the
 * same document. (The parse stage's depth limit keeps that serialisation safe.)
 *
 * The size of the output is bounded by `applyEnrichmentWithin`.
 */
export function applyEnrichment(parsed: WholeEvent, observations: readonly Observation[], outcome: LookupOutcome, options?: EnrichmentOptions, unchecked?: number): string;
export function applyEnrichment(parsed: ParsedEvent, observations: readonly Observation[], outcome: LookupOutcome, options?: EnrichmentOptions, unchecked?: number): string | Buffer;
export function applyEnrichment(parsed: ParsedEvent, observations: readonly Observation[], outcome: LookupOutcome, options: EnrichmentOptions = {}, unchecked = 0): string | Buffer {
  // The common case on the hot path, a scanned event without a hit: its bytes and a fixed tail.
  if (!parsed.complete && unchecked === 0 && !(outcome.known && hasMatch(outcome.matches))) {
    return spliceBytes(parsed, outcome.known ? (parsed.empty ? NONE_TAIL_EMPTY : NONE_TAIL) : parsed.empty ? UNKNOWN_TAIL_EMPTY : UNKNOWN_TAIL);
  }
  const { mispSrc, enrichments, omitted } = enrichmentOf(observations, outcome, options, unchecked);
  return render(parsed, mispSrc, enrichments, omitted, unchecked);
}

/**
 * `applyEnrichment` within `maxBytes` (UTF-8) for the value: enrichment entries are left out,
 * from the last, until the output fits (`misp_partial.enrichments_omitted` counts them; `misp_src`
 * keeps every feed); undefined when even the output without any entry is larger. For the rare
 * record the pipeline measured too large; a binary search, so a few renders at most.
 */
export function applyEnrichmentWithin(
  parsed: ParsedEvent,
  observations: readonly Observation[],
  outcome: LookupOutcome,
  options: EnrichmentOptions,
  unchecked: number,
  maxBytes: number,
): string | Buffer | undefined {
  const { mispSrc, enrichments, omitted } = enrichmentOf(observations, outcome, options, unchecked);
  const fits = (text: string | Buffer): boolean => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.length) <= maxBytes;
  const whole = render(parsed, mispSrc, enrichments, omitted, unchecked);
  if (fits(whole)) return whole;
  let low = 0;
  let high = enrichments.length - 1;
  let best: string | Buffer | undefined;
  while (low <= high) {
    const keep = (low + high) >>> 1;
    const candidate = render(parsed, mispSrc, enrichments.slice(0, keep), omitted + enrichments.length - keep, unchecked);
    if (fits(candidate)) {
      best = candidate;
      low = keep + 1;
    } else {
      high = keep - 1;
    }
  }
  return best;
}

/** `misp_src`, the enrichment entries (at most maxEnrichments) and how many were left out. */
function enrichmentOf(observations: readonly Observation[], outcome: LookupOutcome, options: EnrichmentOptions, unchecked: number): { mispSrc: string; enrichments: ThreatEnrichment[]; omitted: number } {
  const enrichments: ThreatEnrichment[] = [];
  let omitted = 0;
  let mispSrc = MISP_SRC_UNKNOWN;
  if (outcome.known) {
    const feeds: string[] = [];
    const maxEnrichments = options.maxEnrichments ?? Number.POSITIVE_INFINITY;
    for (let index = 0; index < observations.length; index++) {
      const match = outcome.matches[index];
      if (match === undefined) continue;
      for (const feed of match.feeds) feeds.push(feed);
      if (enrichments.length < maxEnrichments) enrichments.push(buildEnrichment(observations[index] as Observation, match, options));
      else omitted++;
    }
    if (enrichments.length + omitted > 0) mispSrc = formatFeeds(feeds) || MISP_SRC_UNKNOWN;
    else if (unchecked === 0) mispSrc = MISP_SRC_NONE;
  }
  return { mispSrc, enrichments, omitted };
}

function render(parsed: ParsedEvent, mispSrc: string, enrichments: readonly ThreatEnrichment[], omitted: number, unchecked: number): string | Buffer {
  const partial = omitted > 0 || unchecked > 0 ? partialOf(omitted, unchecked) : undefined;
  if (!parsed.complete || (!Object.hasOwn(parsed.event, 'misp_src') && !Object.hasOwn(parsed.event, 'threat') && !Object.hasOwn(parsed.event, PARTIAL_FIELD))) {
    let suffix = `${parsed.empty ? '' : ','}"misp_src":${JSON.stringify(mispSrc)}`;
    if (enrichments.length > 0) suffix += `,"threat":{"enrichments":${JSON.stringify(enrichments)}}`;
    if (partial !== undefined) suffix += `,"${PARTIAL_FIELD}":${JSON.stringify(partial)}`;
    return splice(parsed, `${suffix}}`);
  }
  return rebuild(parsed.event, mispSrc, enrichments, partial);
}

/**
 * The event's text up to (not including) its closing brace, then `tail`: a string for a decoded
 * event, the record's own bytes copied once for a scanned one (no decoding, no re-encoding).
 */
function splice(parsed: ParsedEvent, tail: string): string | Buffer {
  const { text, start, close } = parsed;
  if (typeof text === 'string') return `${text.slice(start, close)}${tail}`;
  const tailBytes = Buffer.byteLength(tail, 'utf8');
  const output = Buffer.allocUnsafe(close - start + tailBytes);
  text.copy(output, 0, start, close);
  output.write(tail, close - start, tailBytes, 'utf8');
  return output;
}

/** `,"misp_src":"none"}` and the like as UTF-8, built once (no leading comma after an empty object). */
const tailBytes = (mispSrc: string, empty: boolean): Buffer => Buffer.from(`${empty ? '' : ','}"misp_src":${JSON.stringify(mispSrc)}}`, 'utf8');
const NONE_TAIL = tailBytes(MISP_SRC_NONE, false);
const NONE_TAIL_EMPTY = tailBytes(MISP_SRC_NONE, true);
const UNKNOWN_TAIL = tailBytes(MISP_SRC_UNKNOWN, false);
const UNKNOWN_TAIL_EMPTY = tailBytes(MISP_SRC_UNKNOWN, true);

/** The scanned event's bytes up to its closing brace, then `tail`: one copy of each, nothing encoded. */
function spliceBytes(parsed: ScannedEvent, tail: Buffer): Buffer {
  const { text, start, close } = parsed;
  const length = close - start;
  const output = Buffer.allocUnsafe(length + tail.length);
  text.copy(output, 0, start, close);
  tail.copy(output, length);
  return output;
}

function hasMatch(matches: readonly (IndicatorMatch | undefined)[]): boolean {
  for (let i = 0; i < matches.length; i++) if (matches[i] !== undefined) return true;
  return false;
}

function partialOf(omitted: number, unchecked: number): PartialEnrichment {
  return { ...(unchecked > 0 ? { observables_unchecked: unchecked } : {}), ...(omitted > 0 ? { enrichments_omitted: omitted } : {}) };
}

function rebuild(event: Record<string, unknown>, mispSrc: string, enrichments: readonly ThreatEnrichment[], partial: PartialEnrichment | undefined): string {
  const { misp_partial: _previous, ...rest } = event;
  const output: Record<string, unknown> = { ...rest, misp_src: mispSrc };
  const threat = event['threat'];
  const previous = isObject(threat) && Array.isArray(threat['enrichments']) ? (threat['enrichments'] as unknown[]) : [];
  const kept = previous.filter((entry) => !(isObject(entry) && isObject(entry['indicator']) && entry['indicator']['provider'] === 'misp'));
  const merged = [...kept, ...enrichments];
  if (isObject(threat)) {
    const { enrichments: _dropped, ...others } = threat;
    output['threat'] = merged.length > 0 ? { ...others, enrichments: merged } : others;
  } else if (merged.length > 0) {
    output['threat'] = { enrichments: merged };
  }
  if (partial !== undefined) output[PARTIAL_FIELD] = partial;
  return JSON.stringify(output);
}

/** ECS indicator fields per observable kind: the STIX-style type and where the value goes. */
function buildEnrichment(observation: Observation, match: IndicatorMatch, options: EnrichmentOptions): ThreatEnrichment {
  const indicator: Record<string, unknown> = { type: threatIndicatorType(match.kind, match.indicator), provider: 'misp', name: match.indicator };
  placeIndicatorValue(indicator, match.kind, match.indicator);
  const source = match.source;
  if (source !== undefined) {
    if (source.eventInfo.length > 0) indicator['description'] = source.eventInfo.length > MAX_DESCRIPTION_CHARS ? `${source.eventInfo.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : source.eventInfo;
    if (options.mispUrl !== undefined) indicator['reference'] = `${stripTrailing(options.mispUrl, '/')}/events/view/${source.eventUuid}`;
    if (source.firstSeen !== undefined) indicator['first_seen'] = source.firstSeen;
    if (source.lastSeen !== undefined) indicator['last_seen'] = source.lastSeen;
    if (source.confidence !== undefined) indicator['confidence'] = source.confidence;
    if (source.tlp !== undefined) indicator['marking'] = { tlp: source.tlp };
  }
  if (match.modifiedAt !== undefined) indicator['modified_at'] = match.modifiedAt;
  const feedName = match.feeds.length === 1 ? (match.feeds[0] as string) : [...match.feeds];
  const matched = { atomic: observation.value, field: observation.field, type: MATCHED_TYPE, ...(source !== undefined ? { id: source.attributeUuid } : {}) };
  return { indicator, feed: { name: feedName }, matched };
}

/**
 * The value in its ECS field. A domain goes to `url.domain` (as Elastic's ti_misp integration
 * maps MISP domains); an IP range has no ECS field (`ip` is an address type in Elasticsearch), so
 * a range is carried by `name` only; a MISP `uri` (a path) goes to `url.original`.
 */
function placeIndicatorValue(indicator: Record<string, unknown>, kind: ObservableKind, value: string): void {
  switch (kind) {
    case 'domain':
      indicator['url'] = { domain: value };
      return;
    case 'ip':
      if (!value.includes('/')) indicator['ip'] = value;
      return;
    case 'url':
      indicator['url'] = { full: value };
      return;
    case 'uri':
      indicator['url'] = { original: value };
      return;
    case 'email':
      indicator['email'] = { address: value };
      return;
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      indicator['file'] = { hash: { [kind]: value } };
      return;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
