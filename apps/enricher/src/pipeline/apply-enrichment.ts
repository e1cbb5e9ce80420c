import { formatFeeds, type ObservableKind } from '@iocflow/core';
import type { IndicatorMatch } from '../lookup/indicator-lookup';
import type { Rejection } from './dead-letter-reason';
import type { Observation } from './extract-observables';
import type { ParsedEvent } from './parse-event';

/** `misp_src` on a miss, as the seed's Logstash `mutate` writes it. */
export const MISP_SRC_NONE = 'none';
/** `misp_src` when the store could not answer and the pipeline runs in pass-unknown mode. */
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
 * sorted, unique, comma-joined; `none` on a miss; `unknown` when the store could not answer) and,
 * on a hit, `threat.enrichments[]` (one entry per matched field value).
 *
 * The common case — the event has no `misp_src` and no `threat` yet — appends the two fields to
 * the original text instead of serialising the whole event again. Otherwise (a replayed or
 * pre-enriched event) the object is rebuilt: `misp_src` is replaced and earlier enrichments from
 * provider `misp` are dropped, so enriching twice gives the same document.
 */
export function applyEnrichment(parsed: ParsedEvent, observations: readonly Observation[], outcome: LookupOutcome, options: EnrichmentOptions = {}): string {
  const enrichments: ThreatEnrichment[] = [];
  let mispSrc = MISP_SRC_UNKNOWN;
  if (outcome.known) {
    const feeds: string[] = [];
    observations.forEach((observation, index) => {
      const match = outcome.matches[index];
      if (match === undefined) return;
      feeds.push(...match.feeds);
      enrichments.push(buildEnrichment(observation, match, options));
    });
    mispSrc = enrichments.length > 0 ? formatFeeds(feeds) || MISP_SRC_UNKNOWN : MISP_SRC_NONE;
  }
  const { event, text } = parsed;
  if (!Object.hasOwn(event, 'misp_src') && !Object.hasOwn(event, 'threat')) {
    let suffix = `"misp_src":${JSON.stringify(mispSrc)}`;
    if (enrichments.length > 0) suffix += `,"threat":{"enrichments":${JSON.stringify(enrichments)}}`;
    const end = text.lastIndexOf('}');
    const empty = hasNoKeys(event);
    return `${text.slice(0, end)}${empty ? '' : ','}${suffix}}`;
  }
  return rebuild(event, mispSrc, enrichments);
}

function rebuild(event: Record<string, unknown>, mispSrc: string, enrichments: ThreatEnrichment[]): string {
  const output: Record<string, unknown> = { ...event, misp_src: mispSrc };
  const threat = event['threat'];
  const previous = isObject(threat) && Array.isArray(threat['enrichments']) ? (threat['enrichments'] as unknown[]) : [];
  const kept = previous.filter((entry) => !(isObject(entry) && isObject(entry['indicator']) && entry['indicator']['provider'] === 'misp'));
  const merged = [...kept, ...enrichments];
  if (isObject(threat)) {
    const { enrichments: _dropped, ...rest } = threat;
    output['threat'] = merged.length > 0 ? { ...rest, enrichments: merged } : rest;
  } else if (merged.length > 0) {
    output['threat'] = { enrichments: merged };
  }
  return JSON.stringify(output);
}

/** ECS indicator fields per observable kind: the STIX-style type and where the value goes. */
function buildEnrichment(observation: Observation, match: IndicatorMatch, options: EnrichmentOptions): ThreatEnrichment {
  const indicator: Record<string, unknown> = { type: indicatorType(match), provider: 'misp', name: match.indicator };
  placeIndicatorValue(indicator, match.kind, match.indicator);
  const source = match.source;
  if (source !== undefined) {
    if (source.eventInfo.length > 0) indicator['description'] = source.eventInfo;
    if (options.mispUrl !== undefined) indicator['reference'] = `${options.mispUrl.replace(/\/+$/, '')}/events/view/${source.eventUuid}`;
    if (source.firstSeen !== undefined) indicator['first_seen'] = source.firstSeen;
    if (source.lastSeen !== undefined) indicator['last_seen'] = source.lastSeen;
  }
  if (match.modifiedAt !== undefined) indicator['modified_at'] = match.modifiedAt;
  const feedName = match.feeds.length === 1 ? (match.feeds[0] as string) : [...match.feeds];
  const matched = { atomic: observation.value, field: observation.field, type: MATCHED_TYPE, ...(source !== undefined ? { id: source.attributeUuid } : {}) };
  return { indicator, feed: { name: feedName }, matched };
}

function indicatorType(match: IndicatorMatch): string {
  switch (match.kind) {
    case 'domain':
      return 'domain-name';
    case 'ip':
      return match.indicator.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
    case 'url':
    case 'uri':
      return 'url';
    case 'email':
      return 'email-addr';
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return 'file';
  }
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

function hasNoKeys(event: Record<string, unknown>): boolean {
  for (const key in event) if (Object.hasOwn(event, key)) return false;
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
