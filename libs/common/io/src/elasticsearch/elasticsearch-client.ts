import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';
import { readFileSync } from 'node:fs';
import { readAllOkBulkResponse, type BulkResponseItem } from '@iocflow/core';
import { IoError } from '../io-error';
import { resolveElasticsearchOptions, type ElasticsearchClientOptions, type ResolvedElasticsearchOptions } from './elasticsearch-options';

export interface BulkResult {
  /** Elasticsearch's own processing time. */
  readonly tookMs: number;
  /** True when at least one item failed. */
  readonly errors: boolean;
  /** One entry per action, in request order. */
  readonly items: readonly BulkResponseItem[];
}

/** The parts of a `_bulk` response the indexer reads (`filter_path`). */
export const BULK_RESPONSE_FILTER = 'took,errors,items.*.status,items.*.error';

export type ClusterHealthStatus = 'green' | 'yellow' | 'red';

/** What the cluster says about one data stream name (`dataStream`). */
export type DataStreamState =
  /** The data stream exists. */
  | { readonly state: 'exists' }
  /** No data stream and no index of that name: the first write creates it through the template. */
  | { readonly state: 'absent' }
  /** A plain index or alias holds the name: writes would go there, not to a data stream. */
  | { readonly state: 'name-taken' }
  /** The cluster serves no data-stream API (the data-streams module is missing). */
  | { readonly state: 'unsupported'; readonly detail: string };

/**
 * The one owner of the Elasticsearch connection.
 *
 * Built on `@elastic/elasticsearch` 8.19: an 8.x client speaks to 8.x and 9.x servers (it asks
 * for the `compatible-with=8` media type, which 9.x still serves), while a 9.x client is refused
 * by 8.x servers — and the local stack, like many production clusters, runs 8.x.
 *
 * No client-level retries and no sniffing: the indexer pipeline decides what to retry, per item,
 * with backoff and while paused, so a retry here would only hide time from it. Every failure is an
 * `IoError`: `ELASTICSEARCH_UNAVAILABLE` (retriable: connection refused/lost, timeout, 429, 5xx)
 * or `ELASTICSEARCH_REJECTED` (not retriable: any other 4xx for the whole request). Messages carry
 * the status and Elasticsearch's error type, never credentials (the client sends them in headers
 * and they are never put in the URL).
 */
export class ElasticsearchClient {
  private readonly client: Client;
  readonly options: ResolvedElasticsearchOptions;

  constructor(options: ElasticsearchClientOptions) {
    this.options = resolveElasticsearchOptions(options);
    const o = this.options;
    const clientOptions: ClientOptions = {
      node: o.url,
      maxRetries: 0,
      requestTimeout: o.requestTimeoutMs,
      sniffOnStart: false,
      compression: false,
      tls: { rejectUnauthorized: o.rejectUnauthorized, ...(o.caFile === undefined ? {} : { ca: readCa(o.caFile) }) },
    };
    if (o.apiKey !== undefined) clientOptions.auth = { apiKey: o.apiKey };
    else if (o.username !== undefined) clientOptions.auth = { username: o.username, password: o.password ?? '' };
    this.client = new Client(clientOptions);
    // The usual `_bulk` answer (all items ok, filtered, compact) is read without building two
    // objects per document (readAllOkBulkResponse); every other JSON answer is parsed as before.
    const { serializer } = this.client;
    const deserialize = serializer.deserialize.bind(serializer);
    serializer.deserialize = <T>(json: string): T => (readAllOkBulkResponse(json) as T | undefined) ?? deserialize<T>(json);
  }

  /** Installs (or overwrites with the same body: idempotent) a composable index template. */
  async ensureIndexTemplate(name: string, body: Record<string, unknown>): Promise<void> {
    await this.call('put index template', () =>
      this.client.transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(name)}`, body }),
    );
  }

  /**
   * Sends one NDJSON `_bulk` body as it is (a Buffer or a string; never re-serialised) and returns
   * the per-item results raw, for `classifyBulkItem`. Resolves even when items failed; rejects
   * only when the request as a whole failed.
   *
   * The response is cut down with `filter_path` to what classification reads (status and error of
   * each item, in request order), instead of `_index`, `_id`, `_version`, `_shards`, `_seq_no`… for
   * every item: about a tenth of the bytes to write, send and parse.
   */
  async bulk(ndjson: Buffer | string): Promise<BulkResult> {
    const response = await this.call('bulk', () =>
      this.client.transport.request<{ took?: number; errors?: boolean; items?: BulkResponseItem[] }>({
        method: 'POST',
        path: '/_bulk',
        querystring: { filter_path: BULK_RESPONSE_FILTER },
        bulkBody: ndjson,
      }),
    );
    // an absent `errors` is read as "look at every item", never as "all succeeded"
    return { tookMs: response.took ?? 0, errors: response.errors !== false, items: response.items ?? [] };
  }

  /**
   * Asks `GET /_data_stream/<name>`: 200 means the stream exists; 404 that it does not (then
   * `HEAD /<name>` tells a free name from one a plain index or alias holds). A cluster without the
   * data-streams module (the integ-test zip, for one) has no such endpoint and answers 405
   * "Incorrect HTTP method" or 400 "no handler found": `unsupported`, with that answer. Any other
   * failure throws an IoError like every call here.
   */
  async dataStream(name: string): Promise<DataStreamState> {
    const path = `/_data_stream/${encodeURIComponent(name)}`;
    try {
      await this.client.transport.request({ method: 'GET', path });
      return { state: 'exists' };
    } catch (error) {
      if (!(error instanceof errors.ResponseError)) throw toIoError(`GET ${path}`, error);
      const status = error.statusCode ?? 0;
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? '');
      if (status === 405 || (status === 400 && /no handler found/i.test(body))) {
        return { state: 'unsupported', detail: `GET ${path} answered HTTP ${status}: ${body.slice(0, 300)}` };
      }
      if (status !== 404) throw toIoError(`GET ${path}`, error);
    }
    const taken = await this.call(`HEAD /${name}`, () => this.client.indices.exists({ index: name, allow_no_indices: false }));
    return taken ? { state: 'name-taken' } : { state: 'absent' };
  }

  /** Documents in the indices matching `index` (a name or pattern); 0 when none match. */
  async count(index: string): Promise<number> {
    const response = await this.call('count', () =>
      this.client.count({ index, allow_no_indices: true, ignore_unavailable: true }),
    );
    return response.count;
  }

  /** Makes recent writes visible to search and count (tests and benchmarks). */
  async refresh(index: string): Promise<void> {
    await this.call('refresh', () => this.client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true }));
  }

  async health(): Promise<ClusterHealthStatus> {
    const response = await this.call('cluster health', () => this.client.cluster.health({ timeout: '5s' }));
    return response.status.toLowerCase() as ClusterHealthStatus;
  }

  /**
   * One `_search` over `index` (a name, a pattern or a data stream; missing indices match nothing),
   * its body as given. `signal` aborts the request on the client side (the retro-hunt's deadline,
   * beyond Elasticsearch's own `timeout` in the body): it then rejects with a retriable
   * `ELASTICSEARCH_UNAVAILABLE`, like a timeout.
   */
  async search<T = Record<string, unknown>>(index: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    return this.call('search', () =>
      this.client.transport.request<T>(
        { method: 'POST', path: `/${encodeURIComponent(index)}/_search`, querystring: { ignore_unavailable: true, allow_no_indices: true }, body },
        signal === undefined ? {} : { signal },
      ),
    );
  }

  /** An escape hatch for tests and operations code that need an API this owner does not wrap. */
  async request<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD', path: string, body?: Record<string, unknown>): Promise<T> {
    return this.call(`${method} ${path}`, () => this.client.transport.request<T>({ method, path, ...(body === undefined ? {} : { body }) }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toIoError(what, error);
    }
  }
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new IoError('INVALID_CONFIG', `elasticsearch options: caFile ${JSON.stringify(file)} cannot be read`, { cause: error });
  }
}

/** Maps the client's error classes onto the closed set of io error codes. */
export function toIoError(what: string, error: unknown): IoError {
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const body = error.body as { error?: { type?: string; reason?: string } | string } | undefined;
    const type = typeof body?.error === 'object' ? body.error.type : typeof body?.error === 'string' ? body.error : undefined;
    const reason = typeof body?.error === 'object' ? body.error.reason : undefined;
    const detail = `elasticsearch ${what}: HTTP ${status}${type === undefined ? '' : ` ${type}`}${reason === undefined ? '' : `: ${reason.slice(0, 500)}`}`;
    const retriable = status === 0 || status === 408 || status === 429 || status >= 500;
    return new IoError(retriable ? 'ELASTICSEARCH_UNAVAILABLE' : 'ELASTICSEARCH_REJECTED', detail);
  }
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.DeserializationError ||
    error instanceof errors.RequestAbortedError
  ) {
    // A half-received body (DeserializationError) is a connection cut mid-reply.
    return new IoError('ELASTICSEARCH_UNAVAILABLE', `elasticsearch ${what}: ${error.name}: ${error.message}`);
  }
  if (error instanceof errors.ProductNotSupportedError) {
    return new IoError('ELASTICSEARCH_REJECTED', `elasticsearch ${what}: the server is not Elasticsearch`);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new IoError('ELASTICSEARCH_REJECTED', `elasticsearch ${what}: ${message}`, { cause: error });
}
