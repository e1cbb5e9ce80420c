import { IoError } from '../io-error';
import { type MemcachedCommand, MemcachedConnection } from './memcached-connection';
import { assertSafeMemcachedKey, assertSafeMemcachedKeys } from './memcached-key';
import { type MemcachedClientOptions, type ResolvedMemcachedOptions, resolveMemcachedOptions } from './memcached-options';
import type { MemcachedReply } from './memcached-reply-reader';
import { MemcachedRing } from './memcached-ring';

export interface MemcachedEntry {
  readonly key: string;
  readonly value: string;
  /** 0 = never expires; up to 30 days relative seconds, above that a unix time (memcached rule). */
  readonly ttlSeconds?: number;
}

/**
 * Owner of the memcached servers: text protocol over one pipelined connection per server
 * (see MemcachedConnection), keys spread over servers like Dalli/Logstash (see MemcachedRing).
 *
 * Every key is checked before anything is written (INVALID_KEY), so no caller can inject a
 * command through a key. Values are UTF-8 strings, stored with flags 0 (what Logstash reads as a
 * plain string). Failures reject with an IoError: UNAVAILABLE/TIMEOUT are retriable, a lookup
 * that fails must be reported as "unknown", never as a miss.
 */
export class MemcachedClient {
  readonly options: ResolvedMemcachedOptions;
  private readonly connections: MemcachedConnection[];
  private readonly ring: MemcachedRing;

  constructor(options: MemcachedClientOptions) {
    this.options = resolveMemcachedOptions(options);
    this.connections = this.options.servers.map((server) => new MemcachedConnection(server, this.options));
    this.ring = new MemcachedRing(this.options.servers.map((s) => s.name));
  }

  /** `host:port` names of the servers, in configuration order. */
  get servers(): readonly string[] {
    return this.ring.servers;
  }

  /** Opens every connection and checks it answers (`version`); rejects when one does not. */
  async connect(): Promise<void> {
    await Promise.all(this.connections.map((c) => this.single(c, { payload: 'version\r\n', shape: 'line' })));
  }

  /**
   * Multi-get: per server one `get k1 k2 …` per `maxKeysPerGet` keys, all chunks pipelined on the
   * connection. Missing keys are absent from the map. Duplicate keys are asked once, unless the
   * caller says its keys are distinct (`keysDistinct`: no set of the keys is built; a duplicate
   * is then asked twice, which costs bytes, never an answer). Every key is checked either way.
   */
  async getMany(keys: readonly string[], keysDistinct = false): Promise<Map<string, string>> {
    const byServer = this.distinctByServer(keys, keysDistinct);
    const result = new Map<string, string>();
    const replies: Promise<MemcachedReply>[] = [];
    for (let index = 0; index < byServer.length; index++) {
      const serverKeys = byServer[index];
      if (serverKeys === undefined) continue;
      const commands: MemcachedCommand[] = [];
      for (let i = 0; i < serverKeys.length; i += this.options.maxKeysPerGet) {
        const chunk = serverKeys.length <= this.options.maxKeysPerGet ? serverKeys : serverKeys.slice(i, i + this.options.maxKeysPerGet);
        commands.push({ payload: `get ${chunk.join(' ')}\r\n`, shape: 'values' });
      }
      const sent = this.connection(index).send(commands);
      for (let c = 0; c < sent.length; c++) replies.push(sent[c] as Promise<MemcachedReply>);
    }
    const answered = await Promise.all(replies);
    for (let r = 0; r < answered.length; r++) {
      const values = expect(answered[r] as MemcachedReply, 'values').values;
      // one chunk (the usual case: up to maxKeysPerGet keys on one server): its map is the result
      if (answered.length === 1) return values;
      for (const [key, value] of values) result.set(key, value);
    }
    return result;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.getMany([key])).get(key);
  }

  async set(key: string, value: string, ttlSeconds = 0): Promise<void> {
    await this.setMany([{ key, value, ttlSeconds }]);
  }

  /**
   * Stores every entry with `set` (each one acknowledged with STORED: no `noreply`, so a refused
   * write is seen). Commands are pipelined, at most `maxPipelineDepth` in flight per server.
   */
  async setMany(entries: readonly MemcachedEntry[], defaultTtlSeconds = 0): Promise<void> {
    assertSafeMemcachedKeys(entries.map((e) => e.key));
    const commands = entries.map((entry) => {
      const ttl = entry.ttlSeconds ?? defaultTtlSeconds;
      if (!Number.isInteger(ttl) || ttl < 0) {
        throw new IoError('INVALID_CONFIG', `memcached set: ttlSeconds must be an integer >= 0, got ${ttl}`);
      }
      if (typeof entry.value !== 'string') throw new IoError('INVALID_CONFIG', 'memcached set: value must be a string');
      // One string per command (the socket encodes it as UTF-8; the key is printable ASCII): no buffers per entry.
      const payload = `set ${entry.key} 0 ${ttl} ${Buffer.byteLength(entry.value, 'utf8')}\r\n${entry.value}\r\n`;
      return { key: entry.key, command: { payload, shape: 'line' as const } };
    });
    await this.pipelined(commands, (reply) => {
      const line = expect(reply, 'line').line;
      if (line !== 'STORED') throw new IoError('MEMCACHED_REJECTED', `memcached set answered ${JSON.stringify(line)}`);
    });
  }

  /** True when the key existed. */
  async delete(key: string): Promise<boolean> {
    return (await this.deleteMany([key])) === 1;
  }

  /** Deletes every key (NOT_FOUND is fine) and returns how many existed. */
  async deleteMany(keys: readonly string[]): Promise<number> {
    assertSafeMemcachedKeys(keys);
    let deleted = 0;
    const commands = keys.map((key) => ({ key, command: { payload: `delete ${key}\r\n`, shape: 'line' as const } }));
    await this.pipelined(commands, (reply) => {
      const line = expect(reply, 'line').line;
      if (line === 'DELETED') deleted++;
      else if (line !== 'NOT_FOUND') throw new IoError('MEMCACHED_PROTOCOL', `memcached delete answered ${JSON.stringify(line)}`);
    });
    return deleted;
  }

  /**
   * The `stats` lines of one server (default: the first) as name → value strings: `pid`,
   * `uptime`, `curr_items`, `evictions`, `total_items`… A changed pid or a smaller uptime means
   * the server restarted and lost its content.
   */
  async stats(server?: string): Promise<Record<string, string>> {
    const reply = await this.single(this.connectionNamed(server), { payload: 'stats\r\n', shape: 'stats' });
    return expect(reply, 'stats').stats;
  }

  /** `stats` of every server, keyed by server name. */
  async statsAll(): Promise<Map<string, Record<string, string>>> {
    const all = await Promise.all(this.servers.map(async (name) => [name, await this.stats(name)] as const));
    return new Map(all);
  }

  /** The server's version string (`1.6.38`); default: the first server. */
  async version(server?: string): Promise<string> {
    const reply = await this.single(this.connectionNamed(server), { payload: 'version\r\n', shape: 'line' });
    const line = expect(reply, 'line').line;
    if (!line.startsWith('VERSION ')) throw new IoError('MEMCACHED_PROTOCOL', `unexpected version reply ${JSON.stringify(line)}`);
    return line.slice('VERSION '.length);
  }

  /** Closes every connection; pending and later calls reject with CLOSED. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
  }

  /**
   * Every key checked (INVALID_KEY before anything is sent), duplicates dropped (unless the
   * caller says there are none), grouped by server index (an absent entry: no key for that
   * server); one pass over the keys.
   */
  private distinctByServer(keys: readonly string[], keysDistinct: boolean): (readonly string[] | undefined)[] {
    const single = this.connections.length === 1;
    if (keysDistinct && single) {
      for (let i = 0; i < keys.length; i++) assertSafeMemcachedKey(keys[i] as string);
      return keys.length === 0 ? [] : [keys];
    }
    const byServer: string[][] = [];
    const seen = keysDistinct ? undefined : new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      assertSafeMemcachedKey(key);
      if (seen !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const index = single ? 0 : this.ring.serverIndexFor(key);
      const list = byServer[index];
      if (list) list.push(key);
      else byServer[index] = [key];
    }
    return byServer;
  }

  /** Sends keyed commands in windows of maxPipelineDepth per server; throws the first failure. */
  private async pipelined(
    commands: readonly { key: string; command: MemcachedCommand }[],
    check: (reply: MemcachedReply) => void,
  ): Promise<void> {
    const byServer = new Map<number, MemcachedCommand[]>();
    for (const { key, command } of commands) {
      const index = this.ring.serverIndexFor(key);
      const list = byServer.get(index);
      if (list) list.push(command);
      else byServer.set(index, [command]);
    }
    const depth = this.options.maxPipelineDepth;
    await Promise.all(
      [...byServer].map(async ([index, list]) => {
        for (let i = 0; i < list.length; i += depth) {
          const replies = await Promise.all(this.connection(index).send(list.slice(i, i + depth)));
          replies.forEach(check);
        }
      }),
    );
  }

  private async single(connection: MemcachedConnection, command: MemcachedCommand): Promise<MemcachedReply> {
    const [reply] = connection.send([command]);
    return reply as Promise<MemcachedReply>;
  }

  private connection(index: number): MemcachedConnection {
    return this.connections[index] as MemcachedConnection;
  }

  private connectionNamed(server: string | undefined): MemcachedConnection {
    if (server === undefined) return this.connection(0);
    const found = this.connections.find((c) => c.server.name === server);
    if (!found) throw new IoError('INVALID_CONFIG', `memcached: unknown server ${JSON.stringify(server)}`);
    return found;
  }
}

function expect<T extends MemcachedReply['type']>(reply: MemcachedReply, type: T): Extract<MemcachedReply, { type: T }> {
  if (reply.type !== type) throw new IoError('MEMCACHED_PROTOCOL', `expected a ${type} reply, got ${reply.type}`);
  return reply as Extract<MemcachedReply, { type: T }>;
}
