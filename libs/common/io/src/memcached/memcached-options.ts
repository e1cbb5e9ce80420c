import { z } from 'zod';
import { IoError } from '../io-error';
import { DEFAULT_MAX_REPLY_BYTES } from './memcached-reply-reader';

export interface MemcachedServerAddress {
  /** `host:port` exactly as configured; also the server's name on the hash ring. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface MemcachedClientOptions {
  /** `host:port[,host:port…]` (the MEMCACHED_SERVERS format) or a list of `host:port`. */
  readonly servers: string | readonly string[];
  /** TCP connect timeout. Default 1000 ms. */
  readonly connectTimeoutMs?: number;
  /** Time from sending a command to its complete reply. Default 1000 ms. */
  readonly requestTimeoutMs?: number;
  /** Keys per `get` command; larger batches are split and pipelined. Default 500. */
  readonly maxKeysPerGet?: number;
  /** Commands of one setMany/deleteMany call in flight at once per call. Default 1000. */
  readonly maxPipelineDepth?: number;
  /** First reconnect delay after a connection failure; doubles up to the max. Default 100 ms. */
  readonly reconnectInitialDelayMs?: number;
  /** Default 5000 ms. */
  readonly reconnectMaxDelayMs?: number;
  /**
   * Largest reply accepted to one command (a get's values, a stats listing); a larger one fails
   * that command with MEMCACHED_PROTOCOL and resets the connection, before its bytes are kept.
   * Default 16 MiB (DEFAULT_MAX_REPLY_BYTES); memcached's own item limit is 1 MiB by default.
   */
  readonly maxReplyBytes?: number;
}

export interface ResolvedMemcachedOptions {
  readonly servers: readonly MemcachedServerAddress[];
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxKeysPerGet: number;
  readonly maxPipelineDepth: number;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly maxReplyBytes: number;
}

const SERVER_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

const positiveInt = (max: number) => z.number().int().positive().max(max);

const schema = z.object({
  servers: z.union([z.string(), z.array(z.string())]),
  connectTimeoutMs: positiveInt(600_000).default(1000),
  requestTimeoutMs: positiveInt(600_000).default(1000),
  maxKeysPerGet: positiveInt(100_000).default(500),
  maxPipelineDepth: positiveInt(1_000_000).default(1000),
  reconnectInitialDelayMs: positiveInt(600_000).default(100),
  reconnectMaxDelayMs: positiveInt(3_600_000).default(5000),
  maxReplyBytes: positiveInt(1 << 30).default(DEFAULT_MAX_REPLY_BYTES),
});

export function parseMemcachedServers(servers: string | readonly string[]): MemcachedServerAddress[] {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers])
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new IoError('INVALID_CONFIG', 'memcached: no servers configured');
  return list.map((name) => {
    const match = SERVER_PATTERN.exec(name);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new IoError('INVALID_CONFIG', `memcached: server ${JSON.stringify(name)} is not host:port`);
    }
    const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
    return { name, host, port };
  });
}

/** Validates once at construction; one error lists every bad option. */
export function resolveMemcachedOptions(options: MemcachedClientOptions): ResolvedMemcachedOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new IoError('INVALID_CONFIG', `memcached options: ${problems}`);
  }
  const o = parsed.data;
  if (o.reconnectMaxDelayMs < o.reconnectInitialDelayMs) {
    throw new IoError('INVALID_CONFIG', 'memcached options: reconnectMaxDelayMs < reconnectInitialDelayMs');
  }
  const names = parseMemcachedServers(o.servers);
  if (new Set(names.map((s) => s.name)).size !== names.length) {
    throw new IoError('INVALID_CONFIG', 'memcached options: duplicate server');
  }
  return { ...o, servers: names };
}
