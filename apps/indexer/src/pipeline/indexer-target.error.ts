const TARGET_ERRORS = {
  DATA_STREAMS_UNSUPPORTED: (name: string, detail?: string) =>
    `ELASTICSEARCH_INDEX_MODE=data-stream, but this Elasticsearch cluster has no data-stream API (the data-streams module is missing; ${detail ?? 'no detail'}): refusing to start rather than write data stream ${JSON.stringify(name)} the cluster cannot manage. Use a cluster with data streams (any default distribution) or ELASTICSEARCH_INDEX_MODE=daily.`,
  DATA_STREAM_NAME_TAKEN: (name: string) =>
    `ELASTICSEARCH_INDEX_MODE=data-stream, but ${JSON.stringify(name)} is a plain index or alias on this cluster: refusing to start rather than write into it. Pick another ELASTICSEARCH_INDEX or remove that index.`,
} as const;

/** The configured target cannot work on this cluster; start() fails and nothing is consumed. Retrying cannot help. */
export class IndexerTargetError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: keyof typeof TARGET_ERRORS,
    name: string,
    detail?: string,
  ) {
    super(`${code}: ${TARGET_ERRORS[code](name, detail)}`);
    this.name = 'IndexerTargetError';
  }
}
