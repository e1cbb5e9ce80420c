import type { ThreatHit } from '../threat-hit';
import { dailyIndexName, parseEventTime } from './index-name';
import type { IndexTarget } from './index-target';
import { indexTemplateName } from './index-template';
import type { BulkDocument } from './prepare-bulk-document';

/** Bumped when the alerts template body changes. */
export const ALERTS_TEMPLATE_VERSION = 1;

const keyword = { type: 'keyword', ignore_above: 1024 } as const;

/**
 * The composable index template of the alerts indices (`<prefix>-*`, daily) or the alerts data
 * stream: a hit record (`ThreatHit`) is an alert document as it is. Mapped explicitly, dynamic
 * off (an unknown field stays in `_source`, unindexed): the fields an analyst pivots on —
 * `iocflow.document.index` and `.id` lead back to the original log document, which is never
 * touched. `threat.enrichments` is a plain object array here (one entry per hit), not `nested`,
 * so Kibana Lens can aggregate on it.
 */
export function alertsIndexTemplate(target: IndexTarget, options: { readonly numberOfShards?: number; readonly numberOfReplicas?: number } = {}): { readonly name: string; readonly body: Record<string, unknown> } {
  const name = indexTemplateName(target.kind === 'daily' ? target.prefix : target.name);
  const body = {
    ...(target.kind === 'daily' ? { index_patterns: [`${target.prefix}-*`] } : { index_patterns: [target.name], data_stream: {} }),
    priority: 200,
    version: ALERTS_TEMPLATE_VERSION,
    _meta: { managed_by: 'iocflow-hunter' },
    template: {
      settings: { number_of_shards: options.numberOfShards ?? 1, number_of_replicas: options.numberOfReplicas ?? 0 },
      mappings: {
        dynamic: false,
        properties: {
          '@timestamp': { type: 'date' },
          event: { properties: { kind: keyword, category: keyword, type: keyword, created: { type: 'date' } } },
          iocflow: {
            properties: {
              hit: { properties: { id: keyword, mode: keyword } },
              indicator: { properties: { kind: keyword, value: keyword } },
              origin: { properties: { topic: keyword, partition: { type: 'integer' }, offset: keyword } },
              document: { properties: { index: keyword, id: keyword } },
            },
          },
          threat: {
            properties: {
              enrichments: {
                properties: {
                  matched: { properties: { field: keyword, atomic: keyword, type: keyword, id: keyword } },
                  indicator: { properties: { type: keyword, provider: keyword, name: keyword, marking: { properties: { tlp: keyword } }, confidence: keyword } },
                  feed: { properties: { name: keyword } },
                },
              },
            },
          },
          misp: { properties: { event_uuid: keyword, attribute_uuid: keyword } },
        },
      },
    },
  };
  return { name, body };
}

/**
 * The alert document of one hit, at `_id` = the hit's key, so a replay (a restart mid-hunt) writes
 * the same document again: `index` over itself in a daily index, `create` answered 409 in a data
 * stream. The daily index is the day of the hit's `@timestamp` (the event's time), not of the
 * hunt, so a replay on another day still lands on the same index and `_id`.
 */
export function alertDocument(target: IndexTarget, hit: ThreatHit): BulkDocument {
  if (target.kind === 'data-stream') return { index: target.name, id: hit.iocflow.hit.id, source: JSON.stringify(hit), action: 'create' };
  const millis = parseEventTime(hit['@timestamp']) ?? parseEventTime(hit.event.created) ?? 0;
  return { index: dailyIndexName(target.prefix, millis), id: hit.iocflow.hit.id, source: JSON.stringify(hit), action: 'index' };
}
