/**
 * memcached sizing for deploy/k8s (docs/deploy.md, "memcached"): how much memory a memcached
 * started with the deployed flags really uses, (1) holding BENCH_INDICATORS indicator keys as
 * misp-sync writes them and (2) filled until it refuses writes (`-M`: no eviction), i.e. the most
 * it can ever use. The container's memory limit must sit above (2), or the kernel kills it when
 * full instead of memcached answering SERVER_ERROR.
 *
 *   MEMCACHED_FLAGS="-m 256 -c 4096 -t 2 -M" BENCH_INDICATORS=1000000 npm run bench memcached-memory
 *
 * Keys and values are shaped like misp-sync's (`<kind>-<value>` → feed names): domains, IPv4,
 * URLs, md5 and sha256 in the generator's mix, 1–2 feeds each. A private memcached (the stack's
 * binary); the shared one is never written.
 */
import { MemcachedClient } from '@iocflow/io';
import { PrivateMemcached } from './private-memcached';

const FLAGS = (process.env['MEMCACHED_FLAGS'] ?? '-m 256 -c 4096 -t 2 -M').split(/\s+/).filter(Boolean);
const INDICATORS = Number(process.env['BENCH_INDICATORS'] ?? 1_000_000);
const CHUNK = 10_000;
const MIB = 1024 * 1024;

/** The i-th indicator key and value, in misp-sync's format and a realistic mix of kinds. */
function indicator(i: number): { key: string; value: string } {
  const hex = (n: number, length: number): string => (n.toString(16).padStart(8, '0').repeat(Math.ceil(length / 8))).slice(0, length);
  const feeds = i % 7 === 0 ? 'Feed-RansomwareTracker,Feed-URLhaus' : i % 2 === 0 ? 'Feed-RansomwareTracker' : 'Feed-URLhaus';
  switch (i % 5) {
    case 0:
      return { key: `domain-host${i}.malware-c2-${i % 997}.example`, value: feeds };
    case 1:
      return { key: `ip-${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`, value: feeds };
    case 2:
      return { key: `url-http://dl${i % 9973}.example.net/payload/${i}.exe`, value: feeds };
    case 3:
      return { key: `md5-${hex(i * 2654435761, 32)}`, value: feeds };
    default:
      return { key: `sha256-${hex(i * 40503, 64)}`, value: feeds };
  }
}

async function main(): Promise<void> {
  const memcached = await PrivateMemcached.start(FLAGS);
  const client = new MemcachedClient({ servers: memcached.server, requestTimeoutMs: 30_000 });
  const limitMb = Number(FLAGS[FLAGS.indexOf('-m') + 1] ?? 64);
  try {
    const empty = memcached.memory();
    console.log(`memcached ${FLAGS.join(' ')} (${await client.version()}): empty RSS ${(empty.rss / MIB).toFixed(1)} MiB`);
    let written = 0;
    let refusedAt: number | undefined;
    const report = async (label: string): Promise<void> => {
      const stats = await client.stats();
      const memory = memcached.memory();
      console.log(
        `${label.padEnd(28)} items ${stats['curr_items']}  item bytes ${(Number(stats['bytes']) / MIB).toFixed(1)} MiB  ` +
          `hash ${(Number(stats['hash_bytes']) / MIB).toFixed(1)} MiB  ` +
          `RSS ${(memory.rss / MIB).toFixed(1)} MiB  peak ${(memory.peak / MIB).toFixed(1)} MiB  evictions ${stats['evictions']}`,
      );
    };
    // (1) the indicators the deployment is sized for; (2) on until memcached refuses (-M) or 4× that.
    for (let phase = 1; phase <= 2; phase++) {
      const target = phase === 1 ? INDICATORS : INDICATORS * 4;
      while (written < target && refusedAt === undefined) {
        const entries = Array.from({ length: Math.min(CHUNK, target - written) }, (_, k) => indicator(written + k));
        try {
          await client.setMany(entries);
          written += entries.length;
        } catch (error) {
          refusedAt = written;
          console.log(`refused after ~${written} keys: ${(error as Error).message}`);
        }
      }
      await report(phase === 1 ? `${INDICATORS} indicators` : refusedAt === undefined ? `${written} keys (not full)` : 'full (writes refused)');
    }
    console.log(JSON.stringify({ flags: FLAGS.join(' '), limitMb, indicators: INDICATORS, keysAtFull: refusedAt ?? null, peakRssMiB: Math.round(memcached.memory().peak / MIB) }));
  } finally {
    await client.close();
    await memcached.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
