import { parseMemcachedServers, resolveMemcachedOptions } from './memcached-options';

describe('resolveMemcachedOptions', () => {
  it('parses MEMCACHED_SERVERS and applies the defaults', () => {
    expect(resolveMemcachedOptions({ servers: ' 127.0.0.1:11211, cache-2.svc:11212 ,[::1]:11213' })).toEqual({
      servers: [
        { name: '127.0.0.1:11211', host: '127.0.0.1', port: 11211 },
        { name: 'cache-2.svc:11212', host: 'cache-2.svc', port: 11212 },
        { name: '[::1]:11213', host: '::1', port: 11213 },
      ],
      connectTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      maxKeysPerGet: 500,
      maxPipelineDepth: 1000,
      reconnectInitialDelayMs: 100,
      reconnectMaxDelayMs: 5000,
      maxReplyBytes: 16 * 1_048_576,
    });
  });

  it.each([[''], ['localhost'], ['host:0'], ['host:70000'], ['a b:1'], [[]]])('refuses servers %j', (servers) => {
    expect(() => parseMemcachedServers(servers)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('lists every bad option in one INVALID_CONFIG error', () => {
    expect(() =>
      resolveMemcachedOptions({ servers: 'h:1', requestTimeoutMs: -1, maxKeysPerGet: 1.5 }),
    ).toThrow(/requestTimeoutMs.*maxKeysPerGet/);
    expect(() => resolveMemcachedOptions({ servers: 'h:1,h:1' })).toThrow(/duplicate server/);
  });
});
