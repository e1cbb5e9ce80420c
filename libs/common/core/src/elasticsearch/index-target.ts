import { InvalidDataStreamNameError, validateDataStreamName } from './data-stream-name';
import { InvalidIndexPrefixError, indexNameFor, parseEventTime, validateIndexPrefix } from './index-name';
import { indexTemplate, indexTemplateName } from './index-template';

/**
 * Where the indexer writes, chosen once from configuration (`ELASTICSEARCH_INDEX_MODE`):
 *
 * - `daily`: `<prefix>-YYYY.MM.DD` indices, the day of the event's `@timestamp` (or of the Kafka
 *   record, or of now, see `indexNameFor`); `index` actions, so a replay overwrites.
 * - `data-stream`: one data stream; Elasticsearch picks the backing index. Data streams take only
 *   `create` actions, so a replay at the same `_id` answers 409 (already indexed), and require
 *   `@timestamp`: an event without a readable one is unindexable (dead-lettered), never given a
 *   made-up time.
 *
 * Names in a target were validated at boot (`validateIndexPrefix`, `validateDataStreamName`); the
 * only event-derived part of an index name is a re-formatted date.
 */
export type IndexTarget = { readonly kind: 'daily'; readonly prefix: string } | { readonly kind: 'data-stream'; readonly name: string };

/** `ELASTICSEARCH_INDEX_MODE`: daily indices or one data stream. */
export type IndexMode = 'daily' | 'data-stream';

/** Where the logs are indexed when `ELASTICSEARCH_INDEX` is unset, per mode (the indexer's defaults, which the enricher and the hunter name). */
export const DEFAULT_LOGS_TARGET: Readonly<Record<IndexMode, string>> = { daily: 'iocflow-logs', 'data-stream': 'logs-iocflow-default' };

/**
 * Why `name` cannot serve as a target of `mode` (a daily-index prefix or a data stream name, by
 * that mode's rules), as one line for a configuration error; undefined when it can.
 */
export function indexTargetProblem(mode: IndexMode, name: string): string | undefined {
  try {
    if (mode === 'daily') validateIndexPrefix(name);
    else validateDataStreamName(name);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidIndexPrefixError) && !(error instanceof InvalidDataStreamNameError)) throw error;
    return `with ELASTICSEARCH_INDEX_MODE=${mode}, ${error.message}`;
  }
}

/** The target of `mode` named `name` (checked with indexTargetProblem first). */
export function indexTargetOf(mode: IndexMode, name: string): IndexTarget {
  return mode === 'daily' ? { kind: 'daily', prefix: name } : { kind: 'data-stream', name };
}

/** The `_bulk` action of every document of a target. */
export type BulkAction = 'index' | 'create';

export function bulkActionFor(target: IndexTarget): BulkAction {
  return target.kind === 'daily' ? 'index' : 'create';
}

/**
 * The `_index` of one event, or undefined when the target cannot take it (a data stream and no
 * readable `@timestamp`).
 */
export function targetIndexFor(target: IndexTarget, eventTimestamp: unknown, recordTimestampMs: unknown, nowMs: number): string | undefined {
  if (target.kind === 'data-stream') return parseEventTime(eventTimestamp) === undefined ? undefined : target.name;
  return indexNameFor(target.prefix, eventTimestamp, recordTimestampMs, nowMs);
}

export interface TargetTemplateOptions {
  readonly numberOfShards?: number;
  readonly numberOfReplicas?: number;
}

/** The composable index template a target needs, and its name (`<prefix or stream>-template`). */
export function targetIndexTemplate(target: IndexTarget, options: TargetTemplateOptions = {}): { readonly name: string; readonly body: Record<string, unknown> } {
  if (target.kind === 'daily') {
    return { name: indexTemplateName(target.prefix), body: indexTemplate({ indexPrefix: target.prefix, ...options }) };
  }
  return { name: indexTemplateName(target.name), body: indexTemplate({ dataStream: target.name, ...options }) };
}
