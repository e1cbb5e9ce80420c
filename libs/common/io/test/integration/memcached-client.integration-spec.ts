import { connect } from 'node:net';
import { IoError, MemcachedClient, isIoError } from '../../src';
import { MemcachedProcess, pollUntil, requireService, stackEndpoints, uniqueName } from '@iocflow/testing';

/** A raw text-protocol `get`, bypassing our client: proof of what is really in the cache. */
function rawGet(server: string, key: string): Promise<string> {
  const [host, port] = server.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.endsWith('END\r\n')) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
    socket.write(`get ${key}\r\n`);
  });
}

describe('MemcachedClient against the real memcached', () => {
  const server = stackEndpoints().memcachedServers.split(',')[0]!.trim();
  let client: MemcachedClient;
  let prefix: string;

  beforeAll(async () => {
    await requireService('memcached');
    client = new MemcachedClient({ servers: server });
    await client.connect();
  });
  afterAll(() => client?.close());
  beforeEach(() => {
    prefix = uniqueName('it-mc');
  });

  it('sets, gets and deletes one key; a missing key is undefined and delete of it is false', async () => {
    const key = `${prefix}-one`;
    await client.set(key, 'Feed-RansomwareTracker', 60);
    expect(await client.get(key)).toBe('Feed-RansomwareTracker');
    expect(await client.delete(key)).toBe(true);
    expect(await client.get(key)).toBeUndefined();
    expect(await client.delete(key)).toBe(false);
  });

  it('multi-gets 2,000 keys (4 pipelined chunks) and leaves missing ones out', async () => {
    const entries = Array.from({ length: 2000 }, (_, i) => ({ key: `${prefix}-k${i}`, value: `feed-${i}` }));
    await client.setMany(entries, 60);
    const keys = [...entries.map((e) => e.key), `${prefix}-missing-1`, `${prefix}-missing-2`];
    const found = await client.getMany(keys);
    expect(found.size).toBe(2000);
    for (const { key, value } of entries) expect(found.get(key)).toBe(value);
    expect(found.has(`${prefix}-missing-1`)).toBe(false);
    expect(await client.deleteMany([...keys])).toBe(2000);
    expect((await client.getMany(keys)).size).toBe(0);
  });

  it('multi-gets repeated keys (asked once) in one chunk and in several, and refuses an unsafe key among them before writing', async () => {
    const entries = Array.from({ length: 600 }, (_, i) => ({ key: `${prefix}-d${i}`, value: `feed-${i}` }));
    await client.setMany(entries, 60);
    const few = [entries[0]!.key, `${prefix}-none`, entries[0]!.key, entries[1]!.key];
    expect(await client.getMany(few)).toEqual(new Map([[entries[0]!.key, 'feed-0'], [entries[1]!.key, 'feed-1']]));
    const many = [...entries.map((e) => e.key), ...entries.map((e) => e.key)];
    const found = await client.getMany(many);
    expect(found.size).toBe(600);
    for (const { key, value } of entries) expect(found.get(key)).toBe(value);
    // said distinct (a duplicate is then asked twice): the same answers
    expect(await client.getMany(many, true)).toEqual(found);
    expect(await client.getMany(few, true)).toEqual(new Map([[entries[0]!.key, 'feed-0'], [entries[1]!.key, 'feed-1']]));
    for (const distinct of [false, true]) {
      await expect(client.getMany([entries[2]!.key, `${prefix}-x\r\ndelete ${entries[2]!.key}`], distinct)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    }
    expect(await client.get(entries[2]!.key)).toBe('feed-2');
    await client.deleteMany(entries.map((e) => e.key));
  });

  it('keeps values with CRLF, "END" lines, spaces and UTF-8 intact', async () => {
    const values = {
      [`${prefix}-crlf`]: 'line1\r\nEND\r\nVALUE x 0 1\r\n',
      [`${prefix}-utf8`]: 'Feed-Ünïcode ✓ 🦀',
      [`${prefix}-big`]: 'x'.repeat(300_000) + '\r\n' + 'y'.repeat(10),
      [`${prefix}-empty`]: '',
    };
    await client.setMany(Object.entries(values).map(([key, value]) => ({ key, value, ttlSeconds: 60 })));
    const found = await client.getMany(Object.keys(values));
    expect(Object.fromEntries(found)).toEqual(values);
  });

  it('refuses `x\\r\\nflush_all` with INVALID_KEY before writing, and the canary survives', async () => {
    const canary = `${prefix}-canary`;
    await client.set(canary, 'still-here', 60);
    for (const attempt of [
      () => client.get('x\r\nflush_all'),
      () => client.getMany([canary, 'x\r\nflush_all']),
      () => client.set('x\r\nflush_all', 'v'),
      () => client.deleteMany(['a b']),
      () => client.get(''),
      () => client.get('k'.repeat(251)),
      () => client.get('clé'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'INVALID_KEY', retriable: false });
    }
    expect(await rawGet(server, canary)).toBe(`VALUE ${canary} 0 10\r\nstill-here\r\nEND\r\n`);
    expect(await client.get(canary)).toBe('still-here');
  });

  it('rejects a value over the item size limit with MEMCACHED_REJECTED and keeps the connection usable', async () => {
    const key = `${prefix}-huge`;
    await expect(client.set(key, 'x'.repeat(2 * 1024 * 1024), 60)).rejects.toMatchObject({
      code: 'MEMCACHED_REJECTED',
      retriable: false,
    });
    await client.set(key, 'small', 60);
    expect(await client.get(key)).toBe('small');
  });

  it('parses stats (pid, uptime, curr_items, evictions) and version', async () => {
    const stats = await client.stats();
    for (const name of ['pid', 'uptime', 'curr_items', 'evictions', 'total_items', 'version']) {
      expect(stats[name]).toMatch(/\S/);
    }
    expect(Number(stats['pid'])).toBeGreaterThan(0);
    expect(await client.version()).toBe(stats['version']);
    expect([...(await client.statsAll()).keys()]).toEqual([server]);
  });

  it('answers concurrent callers in order on one pipelined connection', async () => {
    await client.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `${prefix}-c${i}`, value: String(i) })), 60);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.get(`${prefix}-c${i}`)));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('reports MEMCACHED_UNAVAILABLE while its server is down and recovers when it is back', async () => {
    const memcached = await MemcachedProcess.start();
    const outageClient = new MemcachedClient({
      servers: memcached.server,
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 200,
      requestTimeoutMs: 2000,
    });
    try {
      await outageClient.set(`${prefix}-o`, 'before', 60);
      expect(await outageClient.get(`${prefix}-o`)).toBe('before');

      await memcached.stop();
      const error = await outageClient.get(`${prefix}-o`).catch((e: unknown) => e);
      expect(isIoError(error, 'MEMCACHED_UNAVAILABLE')).toBe(true);
      expect((error as IoError).retriable).toBe(true);
      // In backoff: fails fast, still UNAVAILABLE, without waiting for a connect.
      await expect(outageClient.getMany([`${prefix}-o`])).rejects.toMatchObject({ code: 'MEMCACHED_UNAVAILABLE' });

      await memcached.start();
      // A restarted memcached is empty: the key is gone, but the client works again.
      const value = await pollUntil(async () => ({ value: await outageClient.get(`${prefix}-o`) }), {
        timeoutMs: 10_000,
        description: 'the client to reconnect',
      });
      expect(value).toEqual({ value: undefined });
      await outageClient.set(`${prefix}-o`, 'after', 60);
      expect(await outageClient.get(`${prefix}-o`)).toBe('after');
    } finally {
      await outageClient.close();
      await memcached.stop();
    }
  });

  it('rejects pending requests with MEMCACHED_TIMEOUT when the server does not answer in time', async () => {
    const memcached = await MemcachedProcess.start();
    const slowClient = new MemcachedClient({ servers: memcached.server, requestTimeoutMs: 200 });
    try {
      await slowClient.connect();
      await memcached.pause();
      try {
        await expect(slowClient.get(`${prefix}-t`)).rejects.toMatchObject({ code: 'MEMCACHED_TIMEOUT', retriable: true });
      } finally {
        memcached.resume();
      }
    } finally {
      await slowClient.close();
      await memcached.stop();
    }
  });

  it('rejects invalid options at construction with one INVALID_CONFIG error', () => {
    expect(() => new MemcachedClient({ servers: 'localhost' })).toThrow(/INVALID_CONFIG/);
    expect(() => new MemcachedClient({ servers: '127.0.0.1:11211', maxKeysPerGet: 0 })).toThrow(/maxKeysPerGet/);
  });
});
