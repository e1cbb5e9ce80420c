import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import {
  classifyMispResponse,
  classifySightingReply,
  MispError,
  parseAttributeSearchEnvelope,
  parseMispAttribute,
  type MispAttribute,
  type MispExchange,
  type SightingReply,
} from '@iocflow/core';
import { createHttpAgent, httpExchange } from '../http/http-exchange';

export interface MispClientOptions {
  /** Base URL of the MISP server, e.g. https://misp.example.org (a path prefix is kept). */
  readonly url: string;
  /** Sent as the `Authorization` header; never logged or put in an error message. */
  readonly apiKey: string;
  /** Whole-request budget: connect, send, wait, read the full body. */
  readonly timeoutMs: number;
  /** PEM file of the CA that signed MISP's certificate (private PKI). */
  readonly caFile?: string;
  /** false only for lab servers with self-signed certificates. Default true. */
  readonly rejectUnauthorized?: boolean;
}

/**
 * The `AttributeRestSearchFilter` fields iocflow uses; sent as-is in the JSON body. `page` and
 * `limit` are arguments of searchAttributes. MISP reads 0/1 and booleans alike.
 */
export interface MispAttributeSearchFilter {
  readonly type?: string | readonly string[];
  /** Attribute timestamp lower bound (seconds), or a MISP relative time such as "1d". */
  readonly timestamp?: number | string;
  /** Lower bound on the timestamp of the attribute's event: event-level changes (event tags). */
  readonly event_timestamp?: number | string;
  readonly deleted?: 0 | 1 | readonly (0 | 1)[];
  readonly includeEventTags?: boolean;
  readonly enforceWarninglist?: boolean;
  readonly includeDecayScore?: boolean;
  readonly to_ids?: boolean;
  readonly eventid?: string | readonly string[];
  readonly uuid?: string | readonly string[];
  /** Only attributes of published events. */
  readonly published?: boolean;
  /** Tag names, `%` wildcards; `!name` excludes. Positive ones are ORed, negations ANDed. */
  readonly tags?: readonly string[];
  /** Creator organisation id or name, or a list. */
  readonly org?: string | readonly string[];
  /** Leave out attributes the decaying models decayed; `score` overrides the models' threshold. */
  readonly excludeDecayed?: boolean;
  readonly score?: string;
}

/**
 * A `POST /sightings/add` body (OpenAPI `AddSightingsRequest`, plus `source` and `type`, which
 * MISP's SightingsController reads): one sighting of each attribute holding one of `values`
 * (MISP matches value1/value2 case-insensitively). There is no sighting uuid here: MISP reads a
 * body `uuid` as the *attribute's* uuid, so a retry cannot be made idempotent by MISP.
 */
export interface MispSightingRequest {
  readonly values: readonly string[];
  /** Seconds since the epoch (`date_sighting`). */
  readonly timestamp: number;
  readonly source: string;
}

export interface MispAttributeSearchPage {
  readonly attributes: readonly MispAttribute[];
  /** Elements MISP returned that could not be parsed, with the reason; not fatal for the page. */
  readonly invalid: readonly { readonly index: number; readonly reason: string }[];
  /** Elements in the reply before parsing (attributes + invalid): compare with `limit` for paging. */
  readonly received: number;
}

const USER_AGENT = 'iocflow-misp-sync';
/** Largest reply accepted: a 10,000-attribute page with event tags is a few tens of MB. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

function validate(options: MispClientOptions): URL {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new MispError('MISP_INVALID_CONFIG', 'url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MispError('MISP_INVALID_CONFIG', 'url must be http or https');
  if (options.apiKey.trim() === '') throw new MispError('MISP_INVALID_CONFIG', 'apiKey is empty');
  if (/[\r\n]/.test(options.apiKey)) throw new MispError('MISP_INVALID_CONFIG', 'apiKey contains a line break');
  if (!(options.timeoutMs > 0)) throw new MispError('MISP_INVALID_CONFIG', 'timeoutMs must be positive');
  return url;
}

/**
 * The owner of MISP's REST API. Uses node:http(s) directly through io's httpExchange (one code
 * path for plain HTTP, a private CA and keep-alive, shared with FeedClient), not fetch, because a
 * custom CA for fetch needs undici's Agent.
 * Every failure is a MispError whose code says whether a retry can help.
 */
export class MispClient {
  private readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private closed = false;

  constructor(private readonly options: MispClientOptions) {
    this.base = validate(options);
    this.agent = createHttpAgent(this.base, options, (message, cause) => new MispError('MISP_INVALID_CONFIG', message, undefined, { cause }));
  }

  /**
   * One page of `POST /attributes/restSearch` (returnFormat json). `page` is 1-based. A reply
   * that is not the attribute envelope fails with MISP_BAD_RESPONSE; single malformed attributes
   * are reported in `invalid` instead so one bad row does not stop a sync.
   */
  async searchAttributes(filter: MispAttributeSearchFilter, page: number, limit: number): Promise<MispAttributeSearchPage> {
    const json = await this.call('POST', '/attributes/restSearch', { ...filter, returnFormat: 'json', page, limit });
    const envelope = parseAttributeSearchEnvelope(json.body);
    if (!envelope.ok) throw new MispError('MISP_BAD_RESPONSE', `restSearch reply: ${envelope.reason}`, json.status);
    const attributes: MispAttribute[] = [];
    const invalid: { index: number; reason: string }[] = [];
    envelope.items.forEach((item, index) => {
      const parsed = parseMispAttribute(item);
      if (parsed.ok) attributes.push(parsed.attribute);
      else invalid.push({ index, reason: parsed.reason });
    });
    return { attributes, invalid, received: envelope.items.length };
  }

  /**
   * `POST /sightings/add` (type 0, a sighting). Resolves `added`, or `refused` when MISP refused
   * the request for its content (classifySightingReply); throws a MispError for everything else
   * (MISP down: MISP_UNAVAILABLE, retriable; the key: MISP_AUTH).
   */
  async addSightings(request: MispSightingRequest): Promise<Exclude<SightingReply, { kind: 'failed' }>> {
    if (this.closed) throw new MispError('MISP_INVALID_CONFIG', 'the MISP client is closed');
    // timestamp as a decimal string: the spec's NullableTimestamp (MISP reads either)
    const body = { values: [...request.values], timestamp: String(request.timestamp), source: request.source, type: '0' };
    const reply = classifySightingReply(await this.exchange('POST', '/sightings/add', body));
    if (reply.kind === 'failed') throw new MispError(reply.code, `POST /sightings/add: ${reply.detail}`, reply.status);
    return reply;
  }

  /** `GET /servers/getVersion`: a cheap check that MISP is up and the key is accepted. */
  async getVersion(): Promise<{ version: string }> {
    const json = await this.call('GET', '/servers/getVersion');
    const version = typeof json.body === 'object' && json.body !== null && 'version' in json.body ? json.body.version : undefined;
    if (typeof version !== 'string') throw new MispError('MISP_BAD_RESPONSE', 'getVersion reply has no version', json.status);
    return { version };
  }

  /** Closes kept-alive connections; later calls fail with MISP_INVALID_CONFIG. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private async call(method: 'GET' | 'POST', apiPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    if (this.closed) throw new MispError('MISP_INVALID_CONFIG', 'the MISP client is closed');
    const exchange = await this.exchange(method, apiPath, body);
    const classified = classifyMispResponse(exchange);
    if (!classified.ok) throw new MispError(classified.code, `${method} ${apiPath}: ${classified.detail}`, classified.status);
    return { status: exchange.kind === 'reply' ? exchange.status : 0, body: classified.json };
  }

  private async exchange(method: 'GET' | 'POST', apiPath: string, body: unknown): Promise<MispExchange> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + apiPath, this.base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const exchange = await httpExchange(url, {
      method,
      agent: this.agent,
      headers: {
        Authorization: this.options.apiKey,
        Accept: 'application/json',
        'User-Agent': USER_AGENT,
        ...(payload ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(payload ? { body: payload } : {}),
      timeoutMs: this.options.timeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
    });
    if (exchange.kind === 'transport') return { kind: 'transport', errorCode: exchange.errorCode ?? 'ERROR', message: exchange.message };
    // An over-long reply is no attribute envelope: classified as a bad response.
    if (exchange.kind === 'too-large') return { kind: 'reply', status: exchange.status, body: '' };
    return { kind: 'reply', status: exchange.status, body: exchange.body.toString('utf8') };
  }
}
