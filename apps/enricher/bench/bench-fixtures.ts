/**
 * What the enricher benchmarks share: the synthetic indicator records (one per generated domain,
 * feed `Feed-Bench`), IP range records, misp-sync's freshness record, a private memcached for a
 * run, and a GC nudge between phases.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { formatSyncSentinel, lookupKey, SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
import type { KafkaProducedRecord } from '@iocflow/io';
import type { MemcachedClient } from '@iocflow/io';
import { memcachedBinary } from '@iocflow/testing';

export const BENCH_FEED = 'Feed-Bench';

/** The i-th benchmark indicator domain; the load generator draws hits from these. */
export const indicatorDomain = (i: number): string => `bad${i}.bench-ioc.example`;

/** The i-th benchmark indicator as the compacted topic carries it. */
export function benchIndicatorRecord(i: number): IndicatorRecord {
  const value = indicatorDomain(i);
  return {
    key: lookupKey('domain', value),
    kind: 'domain',
    value,
    feeds: [BENCH_FEED],
    updatedAt: '2025-01-01T00:00:00.000Z',
    attributes: [{ attributeUuid: `a-${i}`, mispType: 'domain', eventUuid: 'e-1', eventInfo: 'Bench event', feeds: [BENCH_FEED], tags: [], toIds: true, timestamp: 1 }],
  };
}

/**
 * The i-th benchmark IP range: mostly IPv4 in 100.64.0.0/10 with prefix lengths /20../28 (nine
 * lengths, so a lookup probes up to nine maps), every 8th an IPv6 /48 in 2001:db8::/32. The load
 * generator's addresses (10.0.0.0/8, 203.0.113.0/24) fall in none of them: every check is a miss,
 * the dearest case for the per-address range check.
 */
export function benchRangeRecord(i: number): IndicatorRecord {
  const value = i % 8 === 7 ? `2001:db8:${(i + 1).toString(16)}::/48` : `100.${64 + (i % 64)}.${(i >> 6) & 255}.0/${20 + (i % 9)}`;
  return {
    key: lookupKey('ip', value),
    kind: 'ip',
    value,
    feeds: [BENCH_FEED],
    updatedAt: '2025-01-01T00:00:00.000Z',
    attributes: [{ attributeUuid: `r-${i}`, mispType: 'ip-dst', eventUuid: 'e-1', eventInfo: 'Bench event', feeds: [BENCH_FEED], tags: [], toIds: true, timestamp: 1 }],
  };
}

/** misp-sync's freshness record for a bench's IOC topic: one source that succeeded now and polls daily (never stale during a run). */
export function benchFreshnessRecord(topic: string, indicatorCount: number): KafkaProducedRecord {
  const now = new Date().toISOString();
  return { topic, key: SYNC_SENTINEL_KEY, value: formatSyncSentinel({ lastSuccessAt: now, indicatorCount, sources: { misp: { lastSuccessAt: now, intervalMs: 86_400_000 } } }) };
}

/** A memcached of the run's own (1 GiB, 2 threads) on 127.0.0.1:`port`; kill it when done. */
export function startBenchMemcached(port: number): ChildProcess {
  const binary = memcachedBinary();
  const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '1024', '-t', '2'];
  if (process.getuid?.() === 0) args.push('-u', 'nobody');
  const child = spawn(binary, args, { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: [libDir, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':') } });
  // Never outlive the bench, also when it fails half-way.
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}

/**
 * The first `count` benchmark indicators into memcached as misp-sync writes them
 * (`domain-<value>` → feed), 10,000 per multi-set, then a fresh sync sentinel.
 */
export async function loadBenchIndicators(client: MemcachedClient, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10_000) {
    const entries = [];
    for (let j = i; j < Math.min(count, i + 10_000); j++) entries.push({ key: lookupKey('domain', indicatorDomain(j)), value: BENCH_FEED });
    await client.setMany(entries);
  }
  await client.set(SYNC_SENTINEL_KEY, formatSyncSentinel({ lastSuccessAt: new Date().toISOString(), indicatorCount: count }));
}

/** Collects garbage between phases when node runs with --expose-gc (npm run bench does). */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
