/**
 * What the enricher benchmarks share: the synthetic indicator records (one per generated domain,
 * feed `Feed-Bench`), a private memcached for a run, and a GC nudge between phases.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { formatSyncSentinel, lookupKey, SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
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
