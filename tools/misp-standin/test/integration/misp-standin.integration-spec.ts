import { addHostileAttributes, hostileEvent } from '../../src/hostile-content';
import { MispStandin } from '../../src/misp-standin';
import { MispOpenApi } from '../../src/openapi-validator';

/**
 * The stand-in over real HTTP, with every MISP request and reply checked against MISP's OpenAPI
 * spec: replies against the literal spec, requests against the spec with its documented
 * deviations relaxed (see README.md).
 */
describe('MispStandin over HTTP', () => {
  const literal = MispOpenApi.load({ relaxKnownDeviations: false });
  const relaxed = MispOpenApi.load();
  const NOW = 1_800_000_000;
  let standin: MispStandin;
  let url: string;

  const call = async (method: string, path: string, body?: unknown, key: string | null = standin.apiKey) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(key === null ? {} : { Authorization: key }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  const restSearch = async (filter: Record<string, unknown>) => {
    const body = { returnFormat: 'json', ...filter };
    expect(relaxed.validateRequest('post', '/attributes/restSearch', body).errors).toEqual([]);
    const reply = await call('POST', '/attributes/restSearch', body);
    expect(literal.validateResponse('post', '/attributes/restSearch', reply.status, reply.json).errors).toEqual([]);
    return reply as { status: number; headers: Headers; json: { response: { Attribute: Record<string, unknown>[] } } };
  };

  beforeEach(async () => {
    standin = new MispStandin({ now: () => NOW });
    ({ url } = await standin.start());
  });
  afterEach(async () => {
    await standin.stop();
  });

  it('serves every fixture attribute in a spec-conformant restSearch reply, with event tags when asked', async () => {
    const reply = await restSearch({ includeEventTags: 1, deleted: [0, 1] });
    expect(reply.status).toBe(200);
    const attributes = reply.json.response.Attribute;
    expect(attributes.length).toBeGreaterThan(800);
    expect(reply.headers.get('x-result-count')).toBe(String(attributes.length));
    const sednit = attributes.find((attribute) => attribute['event_id'] === '9747')!;
    expect(sednit['Event']).toEqual({ org_id: '2', distribution: '3', id: '9747', info: 'OSINT - Sednit update: How Fancy Bear Spent the Year', orgc_id: '2', uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81' });
    expect(sednit['Tag']).toContainEqual(expect.objectContaining({ name: 'tlp:white', inherited: 1 }));
    expect(attributes.filter((attribute) => attribute['object_id'] !== '0').length).toBeGreaterThan(100);
  });

  // Issue 11: hostile content a MISP may really serve, still within its API contract.
  it('serves the hostile content (maximum value and event info, absurd timestamps, 100 feed tags) in spec-conformant replies', async () => {
    const hostile = new MispStandin({ now: () => NOW, fixtures: [], warninglists: false, documents: [hostileEvent('conformance')] });
    const base = (await hostile.start()).url;
    try {
      addHostileAttributes(hostile, [...hostile.model.events.values()].find((event) => event.info.length === 65_535)!.id, 'conformance');
      const body = { returnFormat: 'json', includeEventTags: true, deleted: [0, 1], limit: 1000, page: 1 };
      const response = await fetch(`${base}/attributes/restSearch`, { method: 'POST', headers: { Authorization: hostile.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await response.json()) as { response: { Attribute: { value: string; timestamp: string }[] } };
      expect(literal.validateResponse('post', '/attributes/restSearch', response.status, json).errors).toEqual([]);
      const timestamps = json.response.Attribute.map((attribute) => attribute.timestamp);
      expect(timestamps).toEqual(expect.arrayContaining(['32503680000', '100000000000000000000']));
      expect(Math.max(...json.response.Attribute.map((attribute) => attribute.value.length))).toBe(131_071);
    } finally {
      await hostile.stop();
    }
  });

  it('the literal spec rejects the filters MISP really accepts (documented deviations)', () => {
    const filter = { returnFormat: 'json', page: 1, limit: 100, timestamp: 1700000000, type: ['domain', 'ip-dst'], deleted: [0, 1], includeEventTags: 1 };
    expect(literal.validateRequest('post', '/attributes/restSearch', filter).valid).toBe(false);
    expect(relaxed.validateRequest('post', '/attributes/restSearch', filter).errors).toEqual([]);
    expect(relaxed.validateRequest('post', '/attributes/restSearch', { ...filter, page: 0 }).valid).toBe(false);
  });

  it('the validator does catch a reply that breaks the spec', () => {
    const bad = { response: { Attribute: [{ id: 5, to_ids: 'yes', uuid: 'not-a-uuid', distribution: '9', Event: { id: 'x' } }] } };
    const check = literal.validateResponse('post', '/attributes/restSearch', 200, bad);
    expect(check.valid).toBe(false);
    expect(check.errors.join('\n')).toMatch(/\/response\/Attribute\/0\/id must be string/);
    expect(check.errors.join('\n')).toMatch(/uuid/);
  });

  it('pages by page/limit with a timestamp cursor', async () => {
    const first = await restSearch({ page: 1, limit: 50, timestamp: 1500000000 });
    const second = await restSearch({ page: 2, limit: 50, timestamp: '1500000000' });
    expect(first.json.response.Attribute).toHaveLength(50);
    const firstUuids = new Set(first.json.response.Attribute.map((attribute) => attribute['uuid']));
    expect(second.json.response.Attribute.some((attribute) => firstUuids.has(attribute['uuid']))).toBe(false);
    expect(first.json.response.Attribute.every((attribute) => Number(attribute['timestamp']) >= 1500000000)).toBe(true);
  });

  it('answers an empty search with an empty Attribute list', async () => {
    const reply = await restSearch({ timestamp: NOW + 1 });
    expect(reply.json).toEqual({ response: { Attribute: [] } });
  });

  it("answers a missing key with 401 and a wrong key with 403, in MISP's error shape", async () => {
    const missing = await call('POST', '/attributes/restSearch', { returnFormat: 'json' }, null);
    const wrong = await call('POST', '/attributes/restSearch', { returnFormat: 'json' }, 'not-the-key');
    expect([missing.status, wrong.status]).toEqual([401, 403]);
    expect(literal.validateResponse('post', '/attributes/restSearch', 403, wrong.json).errors).toEqual([]);
    expect(literal.validateSchema('UnauthorizedApiError', missing.json).errors).toEqual([]);
    expect(standin.requests().map((request) => request.auth)).toEqual(['missing', 'wrong']);
    expect(JSON.stringify(standin.requests())).not.toContain(standin.apiKey);
  });

  it('refuses non-json return formats with an ApiError', async () => {
    const reply = await call('POST', '/attributes/restSearch', { returnFormat: 'csv' });
    expect(reply.status).toBe(400);
    expect(literal.validateResponse('post', '/attributes/restSearch', 400, reply.json).errors).toEqual([]);
  });

  it('serves /servers/getVersion and /events/view per the spec', async () => {
    const version = await call('GET', '/servers/getVersion');
    expect(literal.validateResponse('get', '/servers/getVersion', 200, version.json).errors).toEqual([]);
    const event = await call('GET', '/events/view/9747');
    expect(event.status).toBe(200);
    expect(event.json).toMatchObject({ Event: { id: '9747', uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81' } });
    expect((await call('GET', '/events/view/424242')).status).toBe(404);
  });

  it('control API: add, edit, soft delete (sanitised), restore, hard delete, event tags, clock', async () => {
    const added = await call('POST', '/__standin/events/9747/attributes', { type: 'domain', value: 'evil.example', tags: ['Feed-X'] }, null);
    expect(added.status).toBe(201);
    const uuid = (added.json as { uuid: string }).uuid;
    const edited = await call('PATCH', `/__standin/attributes/${uuid}`, { to_ids: false, value: 'evil2.example' }, null);
    expect(edited.json).toMatchObject({ to_ids: false, value: 'evil2.example', timestamp: String(NOW) });
    await call('PUT', '/__standin/clock', { now: NOW + 10 }, null);
    const deleted = await call('DELETE', `/__standin/attributes/${uuid}?sanitise=1`, undefined, null);
    expect(deleted.json).toMatchObject({ deleted: true, value: 'deleted', timestamp: String(NOW + 10) });
    expect((await restSearch({ timestamp: NOW + 10, deleted: [0, 1] })).json.response.Attribute.map((attribute) => attribute['uuid'])).toEqual([uuid]);
    expect((await call('POST', `/__standin/attributes/${uuid}/restore`, undefined, null)).json).toMatchObject({ deleted: false });
    expect((await call('DELETE', `/__standin/attributes/${uuid}?hard=1`, undefined, null)).status).toBe(200);
    expect((await call('GET', `/__standin/attributes/${uuid}`, undefined, null)).status).toBe(404);
    expect((await call('PUT', '/__standin/events/9747/tags', { tags: ['Feed-RansomwareTracker'] }, null)).json).toEqual({ id: '9747', tags: ['Feed-RansomwareTracker'] });
    const notifications = (await call('GET', '/__standin/notifications', undefined, null)).json as { action: string }[];
    expect(notifications.map((notification) => notification.action)).toEqual(['add', 'edit', 'soft-delete', 'edit', 'delete']);
    expect((await call('PATCH', '/__standin/attributes/999999999', { value: 'x' }, null)).status).toBe(404);
  });

  it('fault injection over HTTP: 500, 401, invalid JSON, wrong envelope, then normal service; the log shows them', async () => {
    for (const kind of ['500', '401', 'invalid-json', 'wrong-envelope']) {
      expect((await call('POST', '/__standin/faults', { kind }, null)).status).toBe(204);
    }
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await fetch(`${url}/attributes/restSearch`, { method: 'POST', headers: { Authorization: standin.apiKey }, body: '{"returnFormat":"json","limit":1}' });
      statuses.push(response.status);
      await response.text();
    }
    expect(statuses).toEqual([500, 401, 200, 200, 200]);
    const log = (await call('GET', '/__standin/requests', undefined, null)).json as { fault?: string; body: unknown }[];
    expect(log.map((entry) => entry.fault)).toEqual(['500', '401', 'invalid-json', 'wrong-envelope', undefined]);
    expect(log[4]!.body).toEqual({ returnFormat: 'json', limit: 1 });
  });

  it('a hang fault holds the request until the client gives up', async () => {
    standin.injectFault('hang');
    await expect(
      fetch(`${url}/servers/getVersion`, { headers: { Authorization: standin.apiKey }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/timeout|aborted/i);
    expect((await call('GET', '/servers/getVersion')).status).toBe(200);
  });
});
