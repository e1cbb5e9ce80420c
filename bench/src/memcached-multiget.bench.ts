/**
 * Quick measurement (not a test): one getMany of 500 keys vs 500 sequential gets against the local
 * memcached, plus 500 concurrent gets (pipelined on the one connection). Run:
 *   npm run bench memcached-multiget
 */
import { MemcachedClient } from '@iocflow/io';

const servers = process.env['MEMCACHED_SERVERS'] || '127.0.0.1:11211';
const ROUNDS = 20;
const KEYS = 500;

async function time(label: string, run: () => Promise<unknown>): Promise<void> {
  await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  console.log(`${label.padEnd(34)} median ${median.toFixed(2)} ms  min ${samples[0]!.toFixed(2)} ms  max ${samples.at(-1)!.toFixed(2)} ms  (${((KEYS / median) * 1000).toFixed(0)} keys/s)`);
}

async function main(): Promise<void> {
  const client = new MemcachedClient({ servers });
  const prefix = `bench-${Date.now().toString(36)}`;
  const keys = Array.from({ length: KEYS }, (_, i) => `${prefix}-domain-host${i}.example.com`);
  // Half hits, half misses, like a batch of log events.
  await client.setMany(keys.filter((_, i) => i % 2 === 0).map((key) => ({ key, value: 'Feed-RansomwareTracker' })), 300);
  try {
    await time(`getMany(${KEYS})`, () => client.getMany(keys));
    await time(`${KEYS} sequential get`, async () => {
      for (const key of keys) await client.get(key);
    });
    await time(`${KEYS} concurrent get (pipelined)`, () => Promise.all(keys.map((key) => client.get(key))));
  } finally {
    await client.deleteMany(keys);
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
