/**
 * The composable index template for the daily indices or the data stream
 * (`PUT _index_template/<name>`). Both get the same settings and mappings; the data-stream one
 * matches the stream's name only and carries `data_stream: {}`, which makes Elasticsearch create
 * the stream (and its backing indices) on the first write.
 *
 * Mapped explicitly: what iocflow writes and dashboards pivot on.
 * - `@timestamp` date; `misp_src` keyword (the seed's field: a feed name, several joined by `,`,
 *   or `"none"`).
 * - `threat.enrichments` as ECS defines it: `nested`, one entry per matched indicator, with
 *   `indicator.*` and `matched.*` keywords and `indicator.ip` an ip. Kibana Lens cannot aggregate
 *   nested fields, so `matched.atomic`, `matched.field`, `indicator.provider`,
 *   `indicator.marking.tlp` and `indicator.confidence` are also copied (`copy_to`, index-only:
 *   _source is unchanged) into root keywords under `iocflow.*`, which the shipped dashboard uses
 *   and a SOC filters on (`iocflow.tlp:RED`).
 * - Common ECS host/network fields the dashboard uses.
 * Everything else is mapped dynamically: strings become `keyword` (ignore_above 1024, so a huge
 * value is kept in _source but not indexed instead of rejecting the document), and string
 * fields named `*.ip` become `ip` (ignore_malformed, so a bad address does not reject the event).
 * `message` is `text`; `event.original` is kept in _source only. Dates in strings are still
 * detected by Elasticsearch's default date detection.
 */
export type IndexTemplateOptions = IndexTemplateTarget & {
  readonly numberOfShards?: number;
  readonly numberOfReplicas?: number;
  /** Higher wins when several templates match; ours must beat Elasticsearch's built-in `logs-*-*`. */
  readonly priority?: number;
};

export type IndexTemplateTarget =
  /** A validated index prefix; the template matches `<prefix>-*`. */
  | { readonly indexPrefix: string; readonly dataStream?: undefined }
  /** A validated data stream name; the template matches exactly it. */
  | { readonly dataStream: string; readonly indexPrefix?: undefined };

/** Bumped when the template body changes, so the installed version can be compared. */
export const INDEX_TEMPLATE_VERSION = 1;

/** `<prefix>-template`, or `<data stream>-template`. */
export function indexTemplateName(indexPrefixOrDataStream: string): string {
  return `${indexPrefixOrDataStream}-template`;
}

const keyword = { type: 'keyword', ignore_above: 1024 } as const;

export function indexTemplate(options: IndexTemplateOptions): Record<string, unknown> {
  return {
    ...(options.dataStream === undefined ? { index_patterns: [`${options.indexPrefix}-*`] } : { index_patterns: [options.dataStream], data_stream: {} }),
    priority: options.priority ?? 200,
    version: INDEX_TEMPLATE_VERSION,
    _meta: { managed_by: 'iocflow-indexer' },
    template: {
      settings: {
        number_of_shards: options.numberOfShards ?? 1,
        number_of_replicas: options.numberOfReplicas ?? 0,
        // A new field beyond this limit is a mapping error (dead-lettered), not a cluster problem.
        'mapping.total_fields.limit': 2000,
      },
      mappings: {
        dynamic: true,
        date_detection: true,
        dynamic_templates: [
          { ip_fields: { path_match: '*.ip', match_mapping_type: 'string', mapping: { type: 'ip', ignore_malformed: true } } },
          { strings_as_keyword: { match_mapping_type: 'string', mapping: keyword } },
        ],
        properties: {
          '@timestamp': { type: 'date' },
          misp_src: { type: 'keyword' },
          message: { type: 'text' },
          host: { properties: { name: keyword, hostname: keyword, ip: { type: 'ip' } } },
          source: { properties: { ip: { type: 'ip' }, domain: keyword } },
          destination: { properties: { ip: { type: 'ip' }, domain: keyword } },
          url: { properties: { full: keyword, original: keyword, domain: keyword } },
          event: { properties: { id: keyword, kind: keyword, category: keyword, dataset: keyword, original: { type: 'text', index: false } } },
          iocflow: {
            properties: {
              matched: { properties: { atomic: keyword, field: keyword } },
              provider: keyword,
              tlp: keyword,
              confidence: keyword,
            },
          },
          threat: {
            properties: {
              enrichments: {
                type: 'nested',
                properties: {
                  indicator: {
                    properties: {
                      type: keyword,
                      provider: { ...keyword, copy_to: 'iocflow.provider' },
                      ip: { type: 'ip', ignore_malformed: true },
                      url: { properties: { full: keyword, original: keyword, domain: keyword } },
                      file: { properties: { hash: { properties: { md5: keyword, sha1: keyword, sha256: keyword, sha512: keyword } } } },
                      email: { properties: { address: keyword } },
                      description: keyword,
                      reference: keyword,
                      confidence: { ...keyword, copy_to: 'iocflow.confidence' },
                      first_seen: { type: 'date' },
                      last_seen: { type: 'date' },
                      modified_at: { type: 'date' },
                      marking: { properties: { tlp: { ...keyword, copy_to: 'iocflow.tlp' } } },
                    },
                  },
                  matched: {
                    properties: {
                      atomic: { ...keyword, copy_to: 'iocflow.matched.atomic' },
                      field: { ...keyword, copy_to: 'iocflow.matched.field' },
                      type: keyword,
                      id: keyword,
                      index: keyword,
                      occurred: { type: 'date' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
