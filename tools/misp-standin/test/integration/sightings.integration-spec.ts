import { isMispError } from '@iocflow/core';
import { MispClient } from '@iocflow/io';
import { MispStandin } from '../../src/misp-standin';
import { MispOpenApi } from '../../src/openapi-validator';

/** MispClient.addSightings against the stand-in: requests and replies checked against MISP's OpenAPI spec. */
describe('sightings against the MISP stand-in', () => {
  const NOW = 1_800_000_000;
  const relaxed = MispOpenApi.load();
  const literal = MispOpenApi.load({ relaxKnownDeviations: false });
  let standin: MispStandin;
  let client: MispClient;

  beforeEach(async () => {
    standin = new MispStandin({ now: () => NOW });
    const { url } = await standin.start();
    client = new MispClient({ url, apiKey: standin.apiKey, timeoutMs: 10_000 });
  });
  afterEach(async () => {
    client.close();
    await standin.stop();
  });

  /** A live attribute value of the fixtures and how many live attributes hold it. */
  function fixtureValue(): { value: string; holders: number } {
    const attributes = standin.model.search.search({ deleted: new Set([false]), includeEventTags: false, enforceWarninglist: false, types: new Set(['domain']) }).attributes;
    const value = attributes[0]!.value;
    return { value, holders: attributes.filter((attribute) => attribute.value.toLowerCase() === value.toLowerCase()).length };
  }

  it('records a sighting of every attribute holding the value, with the source and the timestamp sent', async () => {
    const { value, holders } = fixtureValue();
    const reply = await client.addSightings({ values: [value.toUpperCase(), 'not-in-misp.example'], timestamp: NOW - 3600, source: 'iocflow' });
    expect(reply.kind).toBe('added');
    const sightings = standin.sightings();
    expect(sightings).toHaveLength(holders);
    expect(sightings.every((s) => s.source === 'iocflow' && s.date_sighting === String(NOW - 3600) && s.type === '0')).toBe(true);
    const [request] = standin.requests();
    expect(request?.path).toBe('/sightings/add');
    expect(relaxed.validateRequest('post', '/sightings/add', request?.body).errors).toEqual([]);
  });

  it('answers as MISP does, and the replies match the spec: success, refusal (no attribute), the event sightings list', async () => {
    const { value } = fixtureValue();
    const ok = await fetch(`${standin.url}/sightings/add`, { method: 'POST', headers: { Authorization: standin.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ values: [value], source: 'iocflow' }) });
    expect(literal.validateResponse('post', '/sightings/add', ok.status, await ok.json()).errors).toEqual([]);
    const refused = await client.addSightings({ values: ['not-in-misp.example'], timestamp: NOW, source: 'iocflow' });
    expect(refused).toEqual({ kind: 'refused', reason: 'not_found', detail: 'No valid attributes found that match the criteria.' });
    const eventId = standin.sightings()[0]!.event_id;
    const list = await fetch(`${standin.url}/sightings/index/${eventId}`, { headers: { Authorization: standin.apiKey } });
    const body: unknown = await list.json();
    expect(list.status).toBe(200);
    expect(literal.validateResponse('get', '/sightings/index/{eventId}', 200, body).errors).toEqual([]);
    expect(body).toEqual(standin.sightings().filter((s) => s.event_id === eventId));
  });

  it('fails retriably while MISP is down (MISP_UNAVAILABLE) and refuses a wrong key (MISP_AUTH)', async () => {
    standin.injectFault('500');
    const down = await client.addSightings({ values: ['x'], timestamp: NOW, source: 'iocflow' }).catch((error: unknown) => error);
    expect(isMispError(down, 'MISP_UNAVAILABLE') && down.retriable).toBe(true);
    const wrong = new MispClient({ url: standin.url, apiKey: 'x'.repeat(40), timeoutMs: 2_000 });
    const refused = await wrong.addSightings({ values: ['x'], timestamp: NOW, source: 'iocflow' }).catch((error: unknown) => error);
    expect(isMispError(refused, 'MISP_AUTH')).toBe(true);
    wrong.close();
    expect(standin.sightings()).toEqual([]);
  });
});
