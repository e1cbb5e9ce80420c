import { createHash } from 'node:crypto';
import { documentIdOf } from './elasticsearch/document-id';
import { dailyIndexName, parseEventTime } from './elasticsearch/index-name';
import type { IndexTarget } from './elasticsearch/index-target';
import type { ObservableKind } from './observable-kind';
import type { RecordOrigin } from './record-headers';

/**
 * The hit record: one per match, on the hits topic (`THREAT_HITS_TOPIC`, default `threat-hits`).
 * For alerting and SOAR tools, for misp-sync's sightings and for the retro-hunt's alerts.
 *
 * Granularity: one hit per (event, matched field, indicator). An event whose `source.ip` and
 * `destination.domain` both match gives two hits; two events matching the same indicator give two
 * hits (a consumer that wants one per indicator — misp-sync's sightings — folds them itself).
 *
 * ECS-shaped, as Elastic's own threat-match alerts are: `event.kind: enrichment`, one
 * `threat.enrichments[]` entry shaped like the one the enricher writes on the event
 * (`matched.field/atomic/type`, `indicator.type/provider/name`, `feed.name`), plus iocflow's own
 * fields:
 *
 *   iocflow.hit        id (= the Kafka key, threatHitKey) and mode: `live` (the enricher, at
 *                      ingest) or `retrospective` (the retro-hunt, over indexed logs)
 *   iocflow.indicator  the indicator as iocflow keys it: observable kind and normalised value
 *   iocflow.origin     where the event entered iocflow (raw topic/partition/offset): the same
 *                      identity as the `iocflow.origin` header the indexer names `_id` after;
 *                      absent on a retrospective hit whose document does not say
 *   iocflow.document   where the event is (retrospective) or will be (live) indexed: `_id`
 *                      always, `index` when known (a live hit: the daily index of a readable
 *                      `@timestamp`, or the data stream; see liveHitDocument)
 *   misp               the MISP event and attribute uuids, where the indicator store knows them:
 *                      the enricher's table mode (the most recent attribute behind the indicator);
 *                      memcached mode holds only feed names, so there `misp` is absent
 */
export interface ThreatHit {
  /** The event's own time (its `@timestamp`, when readable), else when the hit was made. */
  readonly '@timestamp': string;
  readonly event: {
    readonly kind: 'enrichment';
    readonly category: readonly ['threat'];
    readonly type: readonly ['indicator'];
    /** When the hit was made (ISO-8601). */
    readonly created: string;
  };
  readonly iocflow: {
    readonly hit: { readonly id: string; readonly mode: ThreatHitMode };
    readonly indicator: { readonly kind: ObservableKind; readonly value: string };
    readonly origin?: RecordOrigin;
    readonly document: ThreatHitDocument;
  };
  readonly threat: { readonly enrichments: readonly [ThreatHitEnrichment] };
  readonly misp?: { readonly event_uuid?: string; readonly attribute_uuid?: string };
}

export const THREAT_HIT_MODES = ['live', 'retrospective'] as const;
export type ThreatHitMode = (typeof THREAT_HIT_MODES)[number];

/** Where the matched event is indexed: `_id` always, the index (or data stream) when known. */
export interface ThreatHitDocument {
  readonly index?: string;
  readonly id: string;
}

export interface ThreatHitEnrichment {
  readonly matched: { readonly field: string; readonly atomic: string; readonly type: 'indicator_match_rule'; readonly id?: string };
  readonly indicator: {
    /** ECS/STIX indicator type (`domain-name`, `ipv4-addr`, `url`, `file`, …; threatIndicatorType). */
    readonly type: string;
    readonly provider: 'misp';
    /** The indicator's value (`evil.com` for a match on `a.evil.com`, `10.0.0.0/8` for `10.1.2.3`). */
    readonly name: string;
    readonly marking?: { readonly tlp: string };
    readonly confidence?: string;
  };
  /** Sorted unique feed names (always an array here, unlike the event's enrichment). */
  readonly feed: { readonly name: readonly string[] };
}

/** One match, as the matcher saw it. */
export interface ThreatHitMatch {
  /** The event field that held the value (`destination.domain`). */
  readonly field: string;
  /** The normalised value found in the event (`a.evil.com`). */
  readonly atomic: string;
  readonly kind: ObservableKind;
  /** The indicator's normalised value (`evil.com`). */
  readonly indicator: string;
  readonly feeds: readonly string[];
  readonly eventUuid?: string;
  readonly attributeUuid?: string;
  readonly tlp?: string;
  readonly confidence?: string;
}

/** What a live hit is built from (the enricher). */
export interface LiveHitInput {
  readonly mode: 'live';
  readonly origin: RecordOrigin;
  readonly document: ThreatHitDocument;
  /** The event's `@timestamp` as found (anything; used only when parseEventTime reads it). */
  readonly eventTimestamp: unknown;
  readonly match: ThreatHitMatch;
  /** When the hit was made, epoch milliseconds. */
  readonly atMs: number;
}

/** What a retrospective hit is built from (the retro-hunt): the document it found. */
export interface RetrospectiveHitInput {
  readonly mode: 'retrospective';
  readonly document: Required<ThreatHitDocument>;
  readonly origin?: RecordOrigin;
  readonly eventTimestamp: unknown;
  readonly match: ThreatHitMatch;
  readonly atMs: number;
}

export type ThreatHitInput = LiveHitInput | RetrospectiveHitInput;

/**
 * The hit record of one match. Pure: the same input gives the same record (the clock is `atMs`).
 * Its id is threatHitKey: a replay of the same event (the enricher is at least once) gives a hit
 * with the same key, so a consumer — or a compacted copy of the topic — can drop the duplicate.
 */
export function buildThreatHit(input: ThreatHitInput): ThreatHit {
  const { match } = input;
  const created = new Date(input.atMs).toISOString();
  const eventMs = parseEventTime(input.eventTimestamp);
  const id = threatHitKey(input);
  const indicator: ThreatHitEnrichment['indicator'] = {
    type: threatIndicatorType(match.kind, match.indicator),
    provider: 'misp',
    name: match.indicator,
    ...(match.tlp === undefined ? {} : { marking: { tlp: match.tlp } }),
    ...(match.confidence === undefined ? {} : { confidence: match.confidence }),
  };
  const misp = {
    ...(match.eventUuid === undefined ? {} : { event_uuid: match.eventUuid }),
    ...(match.attributeUuid === undefined ? {} : { attribute_uuid: match.attributeUuid }),
  };
  return {
    '@timestamp': eventMs === undefined ? created : new Date(eventMs).toISOString(),
    event: { kind: 'enrichment', category: ['threat'], type: ['indicator'], created },
    iocflow: {
      hit: { id, mode: input.mode },
      indicator: { kind: match.kind, value: match.indicator },
      ...(input.origin === undefined ? {} : { origin: { topic: input.origin.topic, partition: input.origin.partition, offset: input.origin.offset } }),
      document: { ...(input.document.index === undefined ? {} : { index: input.document.index }), id: input.document.id },
    },
    threat: {
      enrichments: [
        {
          matched: { field: match.field, atomic: match.atomic, type: 'indicator_match_rule', ...(match.attributeUuid === undefined ? {} : { id: match.attributeUuid }) },
          indicator,
          feed: { name: [...match.feeds] },
        },
      ],
    },
    ...(Object.keys(misp).length === 0 ? {} : { misp }),
  };
}

/**
 * The Kafka key (and `iocflow.hit.id`) of a hit: deterministic, so replays can be deduplicated.
 * SHA-256 (lowercase hex) over NUL-separated parts, NUL being a character none of them holds:
 *
 *   live           `live`, raw topic, partition, offset, field, indicator kind, indicator value
 *   retrospective  `retrospective`, document index, document _id, field, indicator kind, value
 *
 * A live hit and a retrospective hit of the same event and indicator have different keys: they
 * are different facts (seen at ingest; found later), and a tool may want both.
 */
export function threatHitKey(input: Pick<LiveHitInput, 'mode' | 'origin' | 'match'> | Pick<RetrospectiveHitInput, 'mode' | 'document' | 'match'>): string {
  const { match } = input;
  const where = input.mode === 'live' ? [input.origin.topic, String(input.origin.partition), input.origin.offset] : [input.document.index, input.document.id];
  return createHash('sha256')
    .update([input.mode, ...where, match.field, match.kind, match.indicator].join('\u0000'), 'utf8')
    .digest('hex');
}

/**
 * Where the indexer puts a live hit's event, by the indexer's own rules (documentId,
 * targetIndexFor): `_id` from the origin (or the event's id field, when the indexer has
 * ELASTICSEARCH_ID_FIELD: `idValue` is that field's value, read by the caller), and the index when the event's `@timestamp` is readable — the daily
 * index of its day, or the data stream. Without a readable `@timestamp` the index is left out:
 * the indexer then uses the enriched record's Kafka timestamp (daily; known only once produced)
 * or dead-letters the event (data stream).
 */
export function liveHitDocument(target: IndexTarget, origin: RecordOrigin, eventTimestamp: unknown, idValue?: unknown): ThreatHitDocument {
  const id = documentIdOf(origin, idValue);
  const eventMs = parseEventTime(eventTimestamp);
  if (eventMs === undefined) return { id };
  return { index: target.kind === 'daily' ? dailyIndexName(target.prefix, eventMs) : target.name, id };
}

/** ECS `threat.indicator.type` (STIX 2.1 cyber-observable names) of an indicator. */
export function threatIndicatorType(kind: ObservableKind, value: string): string {
  switch (kind) {
    case 'domain':
      return 'domain-name';
    case 'ip':
      return value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
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
