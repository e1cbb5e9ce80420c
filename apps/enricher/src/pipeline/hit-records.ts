import type { KafkaProducedRecord } from '@iocflow/io';
import {
  buildThreatHit,
  compileFieldPath,
  getField,
  liveHitDocument,
  originHeaders,
  planJsonFields,
  scanJsonFields,
  type IndexTarget,
  type JsonFieldPlan,
  type RecordOrigin,
} from '@iocflow/core';
import type { IndicatorMatch } from '../lookup/indicator-lookup';
import type { Observation } from './extract-observables';
import type { ParsedEvent } from './parse-event';

/** Where hit records go and how they name the event's document (THREAT_HITS_TOPIC, the indexer's target). */
export interface HitRecordOptions {
  readonly topic: string;
  /** The indexer's target (ELASTICSEARCH_INDEX_MODE, ELASTICSEARCH_INDEX), for `iocflow.document.index`. */
  readonly indexTarget: IndexTarget;
  /** The indexer's ELASTICSEARCH_ID_FIELD, when it names documents by an event field. */
  readonly idField?: string;
}

/**
 * The hit records of one event that hit (buildThreatHit): one per matched observation, i.e. per
 * (field, indicator), keyed by threatHitKey, carrying the same `iocflow.origin` header as the
 * enriched record. Events that hit are few, so what the hot path's scan left out (`@timestamp`,
 * the id field) is read here by a second, narrow scan of the record's bytes.
 */
export function hitRecords(
  options: HitRecordOptions,
  origin: RecordOrigin,
  value: Uint8Array | null,
  parsed: ParsedEvent,
  observations: readonly Observation[],
  matches: readonly (IndicatorMatch | undefined)[],
  atMs: number,
): KafkaProducedRecord[] {
  const { eventTimestamp, id } = hitFields(options.idField, value, parsed);
  const document = liveHitDocument(options.indexTarget, origin, eventTimestamp, id);
  const headers = originHeaders(origin);
  const records: KafkaProducedRecord[] = [];
  for (let i = 0; i < matches.length; i++) {
    const match = matches[i];
    if (match === undefined) continue;
    const observation = observations[i] as Observation;
    const source = match.source;
    const hit = buildThreatHit({
      mode: 'live',
      origin,
      document,
      eventTimestamp,
      atMs,
      match: {
        field: observation.field,
        atomic: observation.value,
        kind: match.kind,
        indicator: match.indicator,
        feeds: match.feeds,
        ...(source === undefined
          ? {}
          : {
              eventUuid: source.eventUuid,
              attributeUuid: source.attributeUuid,
              ...(source.tlp === undefined ? {} : { tlp: source.tlp }),
              ...(source.confidence === undefined ? {} : { confidence: source.confidence }),
            }),
      },
    });
    records.push({ topic: options.topic, key: hit.iocflow.hit.id, value: JSON.stringify(hit), headers });
  }
  return records;
}

const hitPlans = new Map<string, JsonFieldPlan>();

/**
 * The event's `@timestamp` and id field value: read from the whole event, or (a scanned event, whose
 * scan held only the lookup rules' fields) by a second, narrow scan of the record's bytes.
 */
function hitFields(idField: string | undefined, value: Uint8Array | null, parsed: ParsedEvent): { readonly eventTimestamp: unknown; readonly id: unknown } {
  if (parsed.complete) return { eventTimestamp: getField(parsed.event, '@timestamp'), id: idField === undefined ? undefined : getField(parsed.event, idField) };
  const scan = value === null ? undefined : scanJsonFields(value, hitPlan(idField));
  if (scan === undefined) return { eventTimestamp: undefined, id: undefined };
  return { eventTimestamp: scan.value(0), id: idField === undefined ? undefined : scan.value(1) };
}

/** `@timestamp` and the id field, nested or dotted. */
function hitPlan(idField: string | undefined): JsonFieldPlan {
  const name = idField ?? '';
  let plan = hitPlans.get(name);
  if (plan === undefined) {
    plan = planJsonFields([compileFieldPath('@timestamp'), ...(idField === undefined ? [] : [compileFieldPath(idField)])]);
    hitPlans.set(name, plan);
  }
  return plan;
}
