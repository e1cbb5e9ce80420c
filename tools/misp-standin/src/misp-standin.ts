import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArrayAttributeSequence } from './attribute-sequence';
import { handleControlRequest } from './control-api';
import { FaultPlan, type FaultKind } from './fault-plan';
import { buildModel, DEFAULT_EVENT_FIXTURES, defaultFixturesRoot, extractEvents, readEventFixtures, TagRegistry, withEventTags } from './fixture-events';
import { GeneratedAttributeSequence, type GeneratedAttributesOptions } from './generated-attributes';
import { MispModel, MispModelError, type AttributeChanges, type NewAttribute, type RecordedNotification } from './misp-model';
import { decayScoreOf } from './decay-model';
import { renderAttributeRow, renderSearchAttribute, renderTag } from './render-attribute';
import { parseRestSearchFilter } from './rest-search-filter';
import { holdsValue, parseSightingRequest, SightingStore, type SightedAttribute, type StandinSighting } from './sighting-store';
import type { StoredAttribute, StoredEvent } from './stored-types';
import { Warninglists } from './warninglists';

/** A MISP API key is 40 characters; this one is only ever valid against the stand-in. */
export const DEFAULT_STANDIN_API_KEY = 'iocflow0standin0key000000000000000000000';
export const STANDIN_MISP_VERSION = '2.4.198';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface MispStandinOptions {
  readonly apiKey?: string;
  /** Event fixture files, relative to `fixturesRoot`; default DEFAULT_EVENT_FIXTURES. */
  readonly fixtures?: readonly string[];
  readonly fixturesRoot?: string;
  /** Already-parsed MISP JSON documents, loaded after the fixture files. */
  readonly documents?: readonly unknown[];
  /** Event uuid → tag names added to that event (a feed tag, as a MISP fed by feeds has them). */
  readonly eventTags?: Readonly<Record<string, readonly string[]>>;
  /** Warninglist files enforced by `enforceWarninglist`; `false` for none. */
  readonly warninglists?: readonly string[] | false;
  /** Seconds since the epoch; tests may freeze or step it. */
  readonly now?: () => number;
  /**
   * Serve each fixture event's own `published` flag (PyMISP's to_delete2, to_delete3 and the
   * Sednit event are unpublished). Default false: every loaded event is published, which is what
   * the suites written before misp-sync's MISP_PUBLISHED_ONLY assume.
   */
  readonly recordedPublishedFlags?: boolean;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  /** How the Authorization header compared; the key itself is never recorded. */
  readonly auth: 'ok' | 'missing' | 'wrong';
  readonly status: number;
  readonly fault?: FaultKind;
  readonly at: number;
}

/** MISP's JSON error body (`ApiError` / `UnauthorizedApiError` in its OpenAPI spec). */
function mispError(message: string, url: string): Record<string, string> {
  return { name: message, message, url };
}

const AUTH_FAILED = 'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.';

/**
 * An HTTP server that answers the part of MISP's REST API iocflow uses, from real MISP events
 * held in memory, plus a `/__standin/` control API for tests (see control-api.ts). Usable
 * in-process (`start()`/`stop()`) or as a process (main.ts).
 */
export class MispStandin {
  readonly apiKey: string;
  readonly model: MispModel;
  private readonly faults = new FaultPlan();
  private readonly log: LoggedRequest[] = [];
  private readonly sightingStore = new SightingStore();
  private server: Server | undefined;
  private frozenNow: number | undefined;
  private readonly clock: () => number;

  constructor(options: MispStandinOptions = {}, generated?: { count: number; options: GeneratedAttributesOptions }) {
    this.apiKey = options.apiKey ?? DEFAULT_STANDIN_API_KEY;
    this.clock = options.now ?? (() => Math.floor(Date.now() / 1000));
    const root = options.fixturesRoot ?? defaultFixturesRoot();
    const warninglists = options.warninglists === false ? Warninglists.none() : Warninglists.load(options.warninglists, root);
    const tags = new TagRegistry();
    const now = (): number => this.frozenNow ?? this.clock();
    if (generated) {
      const sequence = new GeneratedAttributeSequence(generated.count, generated.options, tags);
      this.model = new MispModel(sequence.events, sequence, generated.count + 1, tags, warninglists, now);
    } else {
      const events = [...readEventFixtures(options.fixtures ?? DEFAULT_EVENT_FIXTURES, root), ...(options.documents ?? []).flatMap(extractEvents)];
      const loaded = buildModel(withEventTags(events, options.eventTags ?? {}), tags);
      const served = options.recordedPublishedFlags === true ? loaded.events : loaded.events.map((event) => ({ ...event, published: true }));
      this.model = new MispModel(served, new ArrayAttributeSequence(loaded.attributes), loaded.nextAttributeId, tags, warninglists, now);
    }
  }

  /**
   * A stand-in holding `count` synthetic attributes (computed on demand, not stored) across one
   * event per feed, for load tests and the 1,000,000-indicator benchmark.
   */
  static withGeneratedAttributes(count: number, generator: GeneratedAttributesOptions = {}, options: MispStandinOptions = {}): MispStandin {
    return new MispStandin(options, { count, options: generator });
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('MispStandin is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    if (this.server) return { url: this.url };
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return { url: this.url };
  }

  /** Closes the server, including connections held open by a `hang` fault. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // --- test controls (also reachable over HTTP under /__standin/) ---

  /** Freezes "now" (seconds) for timestamps and relative filters; undefined unfreezes. */
  setNow(seconds: number | undefined): void {
    this.frozenNow = seconds;
  }

  now(): number {
    return this.frozenNow ?? this.clock();
  }

  injectFault(kind: FaultKind, count = 1): void {
    this.faults.add(kind, count);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requests(): readonly LoggedRequest[] {
    return [...this.log];
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /** Every sighting recorded through /sightings/add, in order. */
  sightings(): readonly StandinSighting[] {
    return this.sightingStore.all();
  }

  clearSightings(): void {
    this.sightingStore.clear();
  }

  /** Every attribute change made so far as the MISP Kafka-plugin message it would publish. */
  notifications(): readonly RecordedNotification[] {
    return this.model.notifications();
  }

  addAttribute(eventRef: number | string, input: NewAttribute): Record<string, unknown> {
    return this.render(this.model.addAttribute(eventRef, input));
  }

  editAttribute(ref: number | string, changes: AttributeChanges): Record<string, unknown> {
    return this.render(this.model.editAttribute(ref, changes));
  }

  softDeleteAttribute(ref: number | string, options: { sanitise?: boolean } = {}): Record<string, unknown> {
    return this.render(this.model.softDeleteAttribute(ref, options));
  }

  hardDeleteAttribute(ref: number | string): Record<string, unknown> {
    return renderAttributeRow(this.model.hardDeleteAttribute(ref));
  }

  restoreAttribute(ref: number | string): Record<string, unknown> {
    return this.render(this.model.restoreAttribute(ref));
  }

  setEventTags(eventRef: number | string, tags: readonly string[]): { id: string; tags: string[] } {
    const event = this.model.setEventTags(eventRef, tags);
    return { id: String(event.id), tags: event.tags.map((tag) => tag.name) };
  }

  /** One attribute as restSearch would return it (with event tags), or undefined. */
  getAttribute(ref: number | string): Record<string, unknown> | undefined {
    const attribute = this.model.attribute(ref);
    return attribute ? this.render(attribute) : undefined;
  }

  private render(attribute: StoredAttribute): Record<string, unknown> {
    const event = this.model.event(attribute.eventId);
    return event ? renderSearchAttribute(attribute, event, true) : renderAttributeRow(attribute);
  }

  // --- HTTP ---

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    let body: unknown;
    try {
      body = await readBody(request);
    } catch {
      send(response, 413, mispError('Request body too large.', path));
      return;
    }
    if (path.startsWith('/__standin/')) {
      try {
        const result = handleControlRequest(this, request.method ?? 'GET', request.url ?? path, body);
        send(response, result.status, result.body);
      } catch (error) {
        const status = error instanceof MispModelError ? error.status : 500;
        send(response, status, { error: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    const header = request.headers['authorization'];
    const auth: LoggedRequest['auth'] = header === undefined || header === '' ? 'missing' : header === this.apiKey ? 'ok' : 'wrong';
    const fault = this.faults.take();
    const logged = (status: number): void => {
      this.log.push({ method: request.method ?? 'GET', path, body, auth, status, ...(fault ? { fault } : {}), at: Date.now() });
    };
    if (fault) {
      this.serveFault(fault, path, response, logged);
      return;
    }
    if (auth !== 'ok') {
      // MISP answers 403 to a wrong key; the stand-in uses 401 when no key was sent at all.
      const status = auth === 'missing' ? 401 : 403;
      logged(status);
      send(response, status, mispError(AUTH_FAILED, path));
      return;
    }
    const [status, payload, headers] = this.route(request.method ?? 'GET', path, body);
    logged(status);
    send(response, status, payload, headers);
  }

  private route(method: string, path: string, body: unknown): [number, unknown, Record<string, string>?] {
    if (method === 'POST' && (path === '/attributes/restSearch' || path === '/attributes/restSearch/json')) {
      const parsed = parseRestSearchFilter(body, this.now());
      if (!parsed.ok) return [400, mispError(parsed.message, path)];
      const page = this.model.search.search(parsed.filter);
      const attributes = page.attributes.map((attribute) =>
        renderSearchAttribute(
          attribute,
          this.model.event(attribute.eventId)!,
          parsed.filter.includeEventTags,
          parsed.filter.includeDecayScore === true ? decayScoreOf(attribute, this.now(), parsed.filter.decayThreshold) : undefined,
        ),
      );
      return [200, { response: { Attribute: attributes } }, { 'X-Result-Count': String(attributes.length) }];
    }
    if (method === 'GET' && path === '/servers/getVersion') {
      return [200, { version: STANDIN_MISP_VERSION, pymisp_recommended_version: STANDIN_MISP_VERSION, perm_sync: true, perm_sighting: true, perm_galaxy_editor: false, request_encoding: ['gzip'], filter_sightings: true }];
    }
    const sightingAdd = /^\/sightings\/add(?:\/([^/]+))?$/.exec(path);
    if (method === 'POST' && sightingAdd) return this.addSightings(path, body, sightingAdd[1]);
    const sightingIndex = /^\/sightings\/index\/([^/]+)$/.exec(path);
    if (method === 'GET' && sightingIndex) {
      const event = this.model.event(sightingIndex[1]!);
      if (!event) return [404, mispError('Invalid event', path)];
      return [200, this.sightingStore.forEvent(event.id)];
    }
    const view = /^\/events\/view\/([^/]+)$/.exec(path);
    if (method === 'GET' && view) {
      const event = this.model.event(view[1]!);
      if (!event) return [404, mispError('Invalid event', path)];
      return [200, { Event: this.renderEvent(event) }];
    }
    return [404, mispError('Not Found', path)];
  }

  /**
   * `/sightings/add` as MISP answers it: 200 with RestResponse's saveSuccessResponse, or 403 with
   * its saveFailResponse (`saved: false`) when no live attribute holds a value (or the body is
   * refused). Values are matched case-insensitively against each part of an attribute's value.
   */
  private addSightings(path: string, body: unknown, pathRef: string | undefined): [number, unknown] {
    const fail = (errors: string): [number, unknown] => [403, { saved: false, name: 'Could not add Sighting', message: 'Could not add Sighting', url: path, errors }];
    const request = parseSightingRequest(body, pathRef, this.now());
    if (!request.ok) return fail(request.error);
    const attributes: SightedAttribute[] = [];
    if (request.attributeRef !== undefined) {
      const attribute = this.model.attribute(request.attributeRef);
      if (attribute && !attribute.deleted) attributes.push(attribute);
    } else {
      const values = request.values ?? [];
      this.model.store.scan(this.model.store.positionAt(Number.MIN_SAFE_INTEGER), (attribute) => {
        if (!attribute.deleted && holdsValue(attribute.value, values)) attributes.push(attribute);
        return true;
      });
    }
    if (attributes.length === 0) return fail('No valid attributes found that match the criteria.');
    const added = this.sightingStore.add(attributes, request);
    const message = `${added} sighting${added === 1 ? '' : 's'} successfuly added.`;
    return [200, { saved: true, success: true, name: message, message, url: path }];
  }

  /** `/events/view`: the event with its top-level attributes (objects are not rebuilt). */
  private renderEvent(event: StoredEvent): Record<string, unknown> {
    const attributes: Record<string, unknown>[] = [];
    this.model.store.scan(this.model.store.positionAt(Number.MIN_SAFE_INTEGER), (attribute) => {
      if (attribute.eventId === event.id && !attribute.deleted) attributes.push({ ...renderAttributeRow(attribute), ...(attribute.tags.length ? { Tag: attribute.tags.map(renderTag) } : {}) });
      return attributes.length < 50_000;
    });
    return {
      id: String(event.id),
      orgc_id: String(event.orgcId),
      org_id: String(event.orgId),
      date: event.date,
      threat_level_id: String(event.threatLevelId),
      info: event.info,
      published: event.published,
      uuid: event.uuid,
      analysis: String(event.analysis),
      timestamp: String(event.timestamp),
      distribution: String(event.distribution),
      sharing_group_id: '0',
      Orgc: { id: String(event.orgcId), name: event.orgcName, uuid: event.orgcUuid },
      Tag: event.tags.map(renderTag),
      Attribute: attributes,
    };
  }

  private serveFault(fault: FaultKind, path: string, response: ServerResponse, logged: (status: number) => void): void {
    switch (fault) {
      case '500':
        logged(500);
        send(response, 500, mispError('An Internal Error Has Occurred.', path));
        return;
      case '401':
        logged(401);
        send(response, 401, mispError(AUTH_FAILED, path));
        return;
      case 'invalid-json':
        logged(200);
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('{"response": {"Attribute": [{"id": "1", "event_id": "1", "val');
        return;
      case 'wrong-envelope':
        logged(200);
        send(response, 200, { response: 'MISP is being upgraded' });
        return;
      case 'hang':
        logged(0);
        // Never answer; stop() or the client's timeout closes the socket.
        return;
    }
  }
}

function send(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    response.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(payload);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
