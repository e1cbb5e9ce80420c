/**
 * Our memcached client (libs/common/io/src/memcached) against the `memcache-client` package the
 * design names (docs/decisions.md, "memcache-client"), both behind the same key guard
 * (`assertSafeMemcachedKeys`), on real memcached 1.6 processes of the bench's own:
 *
 *   speed      multi-get of the same keys (half hits, misp-sync's key shapes), 500 keys (one
 *              chunk) and 4,200 keys (the enricher's typical batch, docs/scaling.md); the clients'
 *              rounds alternate, medians and process CPU per round, ratio memcache-client / ours
 *   placement  3 servers: where each client writes a key, against where Logstash's memcached
 *              filter (Dalli's ring) looks for it, and whether each client reads back its own writes
 *   failures   a server that is down (refused), frozen (SIGSTOP), and one answering SERVER_ERROR
 *              (an item over -I): time to the error, the error, and whether the next call works
 *              once the server is back; plus a key carrying a command (`x\r\nflush_all`)
 *
 *   BENCH_ROUNDS=40 npm run bench memcached-client
 *
 * memcache-client is a devDependency used here only (package.json); no service imports it.
 */
import { performance } from 'node:perf_hooks';
import { assertSafeMemcachedKeys, MemcachedClient, MemcachedRing } from '@iocflow/io';
import { MemcacheClient, type MultiRetrievalResponse } from 'memcache-client';
import { PrivateMemcached } from './private-memcached';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 40);
const WARMUP = 5;
const STACK_FLAGS = ['-m', '1024', '-t', '2'];

/** The two clients behind one interface and one key guard: the comparison is of the clients alone. */
interface LookupClient {
  readonly name: string;
  getMany(keys: readonly string[]): Promise<Map<string, string>>;
  setMany(entries: readonly { key: string; value: string }[]): Promise<void>;
  close(): Promise<void>;
}

function ours(servers: readonly string[], options: { requestTimeoutMs?: number } = {}): LookupClient {
  const client = new MemcachedClient({ servers, ...options });
  return { name: 'ours', getMany: (keys) => client.getMany(keys), setMany: (entries) => client.setMany(entries), close: () => client.close() };
}

/**
 * memcache-client as the enricher would have to use it: the guard first, then one multi-get
 * (`get k1 k2 …`) per `chunk` keys (all of them when unset), values as strings (our values are
 * stored with flags 0, which it returns as strings), no TTL (`lifetime: 0`, as misp-sync writes).
 */
function theirs(servers: readonly string[], options: { cmdTimeout?: number; chunk?: number } = {}): LookupClient {
  const server = servers.length === 1 ? (servers[0] as string) : { servers: servers.map((name) => ({ server: name, maxConnections: 1 })), config: { retryFailedServerInterval: 1000, failedServerOutTime: 1000 } };
  const client = new MemcacheClient({ server, lifetime: 0, ...(options.cmdTimeout === undefined ? {} : { cmdTimeout: options.cmdTimeout }) });
  const chunk = options.chunk;
  return {
    name: chunk === undefined ? 'memcache-client' : `memcache-client (${chunk}-key gets)`,
    async getMany(keys) {
      assertSafeMemcachedKeys(keys);
      const chunks: string[][] = [];
      for (let i = 0; i < keys.length; i += chunk ?? keys.length) chunks.push(keys.slice(i, i + (chunk ?? keys.length)));
      const result = new Map<string, string>();
      for (const reply of await Promise.all(chunks.map((part) => client.get<MultiRetrievalResponse<string>>(part)))) {
        for (const [key, entry] of Object.entries(reply)) result.set(key, String(entry.value));
      }
      return result;
    },
    async setMany(entries) {
      assertSafeMemcachedKeys(entries.map((entry) => entry.key));
      await Promise.all(entries.map((entry) => client.set(entry.key, entry.value, { lifetime: 0 })));
    },
    async close() {
      client.shutdown();
    },
  };
}

/** misp-sync's key shapes and values: `<kind>-<value>` → feed names; `octet` keeps runs' addresses apart. */
function keysAndValues(count: number, prefix: string, octet: number): { keys: string[]; entries: { key: string; value: string }[] } {
  const keys = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? `domain-${prefix}-host${i}.example.org` : i % 3 === 1 ? `ip-${octet}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `md5-${prefix}${i.toString(16).padStart(32 - prefix.length, '0')}`));
  // Half of them are indicators (stored), half are misses, as in a batch of log events.
  const entries = keys.filter((_, i) => i % 2 === 0).map((key) => ({ key, value: 'Feed-RansomwareTracker,Feed-URLhaus' }));
  return { keys, entries };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const p90 = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)] ?? Number.NaN;

async function speed(): Promise<void> {
  const memcached = await PrivateMemcached.start(STACK_FLAGS);
  console.log(`\n== speed: multi-get on one memcached (${STACK_FLAGS.join(' ')}), ${ROUNDS} rounds each, alternated`);
  for (const size of [500, 4200]) {
    const { keys, entries } = keysAndValues(size, `s${size}`, size === 500 ? 10 : 11);
    const clients = [ours([memcached.server]), theirs([memcached.server]), theirs([memcached.server], { chunk: 500 })];
    await clients[0]?.setMany(entries);
    const expected = await clients[0]!.getMany(keys);
    const samples = new Map(clients.map((client) => [client.name, { ms: [] as number[], cpuUs: [] as number[] }]));
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // Alternate which client goes first, so neither always follows the other's GC or cache effects.
      const order = round % 2 === 0 ? clients : [...clients].reverse();
      for (const client of order) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        const found = await client.getMany(keys);
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpu);
        if (found.size !== expected.size || [...expected].some(([key, value]) => found.get(key) !== value)) throw new Error(`${client.name} answered differently`);
        if (round >= WARMUP) {
          samples.get(client.name)?.ms.push(ms);
          samples.get(client.name)?.cpuUs.push(used.user + used.system);
        }
      }
    }
    const base = samples.get('ours')!;
    for (const [name, sample] of samples) {
      console.log(
        `${String(size).padStart(5)} keys  ${name.padEnd(30)} median ${median(sample.ms).toFixed(2)} ms  p90 ${p90(sample.ms).toFixed(2)} ms  CPU ${Math.round(median(sample.cpuUs))} µs` +
          `  ratio to ours: time ${(median(sample.ms) / median(base.ms)).toFixed(2)}×, CPU ${(median(sample.cpuUs) / median(base.cpuUs)).toFixed(2)}×`,
      );
    }
    for (const client of clients) await client.close();
  }
  await memcached.stop();
}

async function placement(): Promise<void> {
  console.log('\n== placement: 3 servers, 3,000 keys written by each client');
  const servers = await Promise.all([0, 1, 2].map(() => PrivateMemcached.start(['-m', '64'])));
  const names = servers.map((server) => server.server);
  const ring = new MemcachedRing(names);
  const single = names.map((name) => new MemcachedClient({ servers: [name] }));
  for (const make of [() => ours(names), () => theirs(names)]) {
    const client = make();
    const { entries } = keysAndValues(6000, client.name === 'ours' ? 'po' : 'pt', client.name === 'ours' ? 20 : 21);
    await client.setMany(entries);
    // Which server holds each key, asked of every server directly.
    const holders = await Promise.all(single.map((server) => server.getMany(entries.map((entry) => entry.key))));
    let whereDalli = 0;
    const perServer = [0, 0, 0];
    for (const { key } of entries) {
      const held = holders.map((found, i) => (found.has(key) ? i : -1)).filter((i) => i >= 0);
      for (const i of held) perServer[i]! += 1;
      if (held.length === 1 && held[0] === ring.serverIndexFor(key)) whereDalli++;
    }
    const readBack = (await client.getMany(entries.map((entry) => entry.key))).size;
    console.log(
      `${client.name.padEnd(16)} keys per server ${perServer.join(' / ')}; on the server Logstash/Dalli reads: ${whereDalli}/${entries.length} (${((100 * whereDalli) / entries.length).toFixed(1)}%); ` +
        `its own multi-get reads back ${readBack}/${entries.length} (${((100 * readBack) / entries.length).toFixed(1)}%)`,
    );
    await client.close();
  }
  for (const client of single) await client.close();
  for (const server of servers) await server.stop();
}

/** Runs `call`, returns how long it took to settle and how (the error's code or message). */
async function timed(call: () => Promise<unknown>): Promise<string> {
  const started = performance.now();
  try {
    await call();
    return `ok after ${Math.round(performance.now() - started)} ms`;
  } catch (error) {
    return `${(error as Error).message.slice(0, 100)} after ${Math.round(performance.now() - started)} ms`;
  }
}

/** Time until `call` succeeds again, polled every 50 ms for up to 20 s. */
async function recovery(call: () => Promise<unknown>): Promise<string> {
  const started = performance.now();
  while (performance.now() - started < 20_000) {
    try {
      await call();
      return `works again after ${Math.round(performance.now() - started)} ms`;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return 'still failing after 20 s';
}

async function failures(): Promise<void> {
  console.log('\n== failures (defaults: ours requestTimeoutMs 1000, memcache-client cmdTimeout 5000)');
  const keys = ['domain-failure.example.org', 'ip-10.9.8.7'];
  for (const make of [(server: string) => ours([server]), (server: string) => theirs([server])]) {
    const memcached = await PrivateMemcached.start(['-m', '64', '-I', '1m']);
    const client = make(memcached.server);
    await client.setMany([{ key: keys[0] as string, value: 'Feed-A' }]);
    console.log(`-- ${client.name}`);
    // A frozen server: the connection is open, nothing answers.
    await memcached.pause();
    console.log(`   SIGSTOPped server: getMany ${await timed(() => client.getMany(keys))}`);
    memcached.resume();
    console.log(`   after SIGCONT: ${await recovery(() => client.getMany(keys))}`);
    // An item over the server's item size limit: the server answers SERVER_ERROR and stays up.
    console.log(`   2 MiB value (-I 1m): set ${await timed(() => client.setMany([{ key: 'domain-big.example.org', value: 'x'.repeat(2 * 1024 * 1024) }]))}`);
    console.log(`   next getMany on the same client: ${await timed(() => client.getMany(keys))}`);
    // A server that is down: connections are refused.
    const port = memcached.port;
    await memcached.stop();
    console.log(`   server down (refused): getMany ${await timed(() => client.getMany(keys))}`);
    const restarted = await PrivateMemcached.start(['-m', '64', '-I', '1m'], port);
    console.log(`   after restart on the same port: ${await recovery(() => client.getMany(keys))}`);
    await client.close();
    await restarted.stop();
  }
  // The seed's injection (MISSION): a key carrying a command. The raw package sends it verbatim.
  const memcached = await PrivateMemcached.start(['-m', '64']);
  const raw = new MemcacheClient({ server: memcached.server, lifetime: 0 });
  const check = new MemcachedClient({ servers: [memcached.server] });
  await check.set('domain-canary.example.org', 'Feed-A');
  await raw.get('x\r\nflush_all').catch(() => undefined);
  const survived = await check.get('domain-canary.example.org');
  console.log(`-- injection: memcache-client get("x\\r\\nflush_all") without the guard: the canary key is ${survived === undefined ? 'GONE (flush_all ran)' : 'still there'}`);
  console.log(`   behind the guard (both clients): ${await timed(async () => assertSafeMemcachedKeys(['x\r\nflush_all']))}`);
  raw.shutdown();
  await check.close();
  await memcached.stop();
}

async function main(): Promise<void> {
  await speed();
  await placement();
  await failures();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
