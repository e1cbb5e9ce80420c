import { createServer } from 'node:net';
import { isMispError, type MispAttribute } from '@iocflow/core';
import { MispClient, type MispAttributeSearchFilter } from '@iocflow/io';
import { MispStandin } from '../../src/misp-standin';
import { MispOpenApi } from '../../src/openapi-validator';

/** MispClient (libs/common/io) against the in-process stand-in serving the real fixtures. */
describe('MispClient against the MISP stand-in', () => {
  const NOW = 1_800_000_000;
  const spec = MispOpenApi.load();
  let standin: MispStandin;
  let client: MispClient;

  const sync: MispAttributeSearchFilter = { type: ['domain', 'hostname', 'ip-src', 'ip-dst', 'url', 'md5', 'sha1', 'sha256'], deleted: [0, 1], includeEventTags: true };
  const pullAll = async (filter: MispAttributeSearchFilter, limit: number): Promise<MispAttribute[]> => {
    const all: MispAttribute[] = [];
    for (let page = 1; ; page++) {
      const result = await client.searchAttributes(filter, page, limit);
      expect(result.invalid).toEqual([]);
      all.push(...result.attributes);
      if (result.received < limit) return all;
    }
  };

  beforeEach(async () => {
    standin = new MispStandin({ now: () => NOW });
    const { url } = await standin.start();
    client = new MispClient({ url, apiKey: standin.apiKey, timeoutMs: 10_000 });
  });
  afterEach(async () => {
    client.close();
    await standin.stop();
  });

  it('pages through every fixture indicator and sends spec-conformant requests', async () => {
    const all = await pullAll(sync, 100);
    const everything = standin.model.search.search({ deleted: new Set([false, true]), includeEventTags: false, enforceWarninglist: false, types: new Set(sync.type as string[]) }).attributes;
    expect(all.map((attribute) => attribute.uuid)).toEqual(everything.map((attribute) => attribute.uuid));
    expect(new Set(all.map((attribute) => attribute.uuid)).size).toBe(all.length);
    const requests = standin.requests();
    expect(requests.map((request) => (request.body as { page: number }).page)).toEqual(requests.map((_request, index) => index + 1));
    for (const request of requests) {
      expect(request.auth).toBe('ok');
      expect(spec.validateRequest('post', '/attributes/restSearch', request.body).errors).toEqual([]);
    }
    expect(all.find((attribute) => attribute.eventId === '9747')?.tags).toContainEqual({ name: 'tlp:white', inherited: true });
    expect(all.some((attribute) => attribute.objectId !== '0' && attribute.objectRelation !== null)).toBe(true);
  });

  it('follows the timestamp cursor: only changed attributes come back; sanitised soft deletes only without a type filter', async () => {
    const before = await pullAll(sync, 500);
    const cursor = Math.max(...before.map((attribute) => attribute.timestamp)) + 1;
    expect(await pullAll({ ...sync, timestamp: cursor }, 500)).toEqual([]);
    const domain = before.find((attribute) => attribute.type === 'domain')!;
    const ip = before.find((attribute) => attribute.type === 'ip-dst')!;
    standin.editAttribute(domain.uuid, { toIds: false });
    standin.softDeleteAttribute(ip.uuid, { sanitise: true });
    standin.addAttribute(9747, { type: 'domain', value: 'new.example' });
    const changed = await pullAll({ ...sync, timestamp: cursor }, 500);
    // The sanitised delete turned the ip-dst into a `comment`, so a type-filtered search no longer
    // sees it at all: a sync that filters types on the server misses sanitised deletes.
    expect(changed.map((attribute) => [attribute.uuid, attribute.deleted, attribute.toIds, attribute.timestamp])).toEqual([
      [domain.uuid, false, false, NOW],
      [expect.any(String), false, true, NOW],
    ]);
    const unfiltered = await pullAll({ deleted: [0, 1], timestamp: cursor }, 500);
    expect(unfiltered.map((attribute) => [attribute.uuid, attribute.deleted, attribute.type, attribute.value])).toEqual([
      [domain.uuid, false, 'domain', domain.value],
      [ip.uuid, true, 'comment', 'deleted'],
      [expect.any(String), false, 'domain', 'new.example'],
    ]);
  });

  it('reads the MISP version (health and key check)', async () => {
    await expect(client.getVersion()).resolves.toEqual({ version: expect.stringMatching(/^2\.4\./) });
  });

  it.each([
    ['500', 'MISP_UNAVAILABLE', true, 500],
    ['401', 'MISP_AUTH', false, 401],
    ['invalid-json', 'MISP_BAD_RESPONSE', true, 200],
    ['wrong-envelope', 'MISP_BAD_RESPONSE', true, 200],
  ] as const)('classifies a %s fault as %s (retriable %s)', async (fault, code, retriable, status) => {
    standin.injectFault(fault);
    const failure = await client.searchAttributes(sync, 1, 10).catch((error: unknown) => error);
    expect(isMispError(failure, code)).toBe(true);
    expect(failure).toMatchObject({ retriable, status });
    expect(String((failure as Error).message)).not.toContain(standin.apiKey);
    await expect(client.searchAttributes(sync, 1, 10)).resolves.toMatchObject({ received: 10 });
  });

  it('times out a hanging MISP as MISP_UNAVAILABLE', async () => {
    const impatient = new MispClient({ url: standin.url, apiKey: standin.apiKey, timeoutMs: 200 });
    standin.injectFault('hang');
    const started = Date.now();
    await expect(impatient.searchAttributes(sync, 1, 10)).rejects.toMatchObject({ code: 'MISP_UNAVAILABLE', retriable: true, message: expect.stringMatching(/TIMEOUT/) });
    // The hang never ends by itself: the rejection is the 200 ms timeout's. The bound only tells
    // it from a hang held to the end (the test's own timeout); 2 s was within a loaded CI box's reach.
    expect(Date.now() - started).toBeLessThan(10_000);
    impatient.close();
  });

  it('reports a wrong key as MISP_AUTH (not retriable) without echoing the key', async () => {
    const wrong = new MispClient({ url: standin.url, apiKey: 'wrong-key-0123456789', timeoutMs: 2_000 });
    const failure = await wrong.searchAttributes(sync, 1, 10).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MISP_AUTH', retriable: false, status: 403 });
    expect((failure as Error).message).not.toContain('wrong-key-0123456789');
    wrong.close();
  });

  it('reports a refused connection as MISP_UNAVAILABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address() as { port: number };
        probe.close(() => resolve(address.port));
      });
    });
    const nowhere = new MispClient({ url: `http://127.0.0.1:${port}`, apiKey: 'k', timeoutMs: 2_000 });
    await expect(nowhere.getVersion()).rejects.toMatchObject({ code: 'MISP_UNAVAILABLE', retriable: true, message: expect.stringMatching(/ECONNREFUSED/) });
    nowhere.close();
  });

  it('rejects bad options at construction', () => {
    expect(() => new MispClient({ url: 'ftp://misp', apiKey: 'k', timeoutMs: 1 })).toThrow(/MISP_INVALID_CONFIG/);
    expect(() => new MispClient({ url: 'http://misp', apiKey: ' ', timeoutMs: 1 })).toThrow(/apiKey is empty/);
    expect(() => new MispClient({ url: 'http://misp', apiKey: 'k', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new MispClient({ url: 'https://misp', apiKey: 'k', timeoutMs: 1, caFile: '/nonexistent/ca.pem' })).toThrow(/CA file \/nonexistent\/ca\.pem cannot be read/);
  });

  it('pages 100,000 generated attributes with limit 10,000', async () => {
    const big = MispStandin.withGeneratedAttributes(100_000, { seed: 3 }, { warninglists: false });
    const { url } = await big.start();
    const bigClient = new MispClient({ url, apiKey: big.apiKey, timeoutMs: 30_000 });
    let total = 0;
    for (let page = 1; ; page++) {
      const result = await bigClient.searchAttributes({ deleted: [0, 1] }, page, 10_000);
      total += result.attributes.length;
      if (result.received < 10_000) break;
    }
    expect(total).toBe(100_000);
    bigClient.close();
    await big.stop();
  });
});
