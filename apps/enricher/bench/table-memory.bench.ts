/**
 * Heap per indicator of table mode's IndicatorTable: BENCH_INDICATORS (default 1,000,000)
 * IndicatorRecords shaped like misp-sync's (a 36-character attribute uuid each, a few hundred
 * events, two feed lists, one change time per sync run) are applied as the service applies
 * them (JSON text parsed per record; generating the text is in the time), then the heap and the
 * ArrayBuffers (the table's uuid slab lives in one) are measured after a full GC. No Kafka.
 *
 *   npm run bench table-memory      (node --expose-gc)
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { randomUUID } from 'node:crypto';
import { lookupKey, type IndicatorRecord } from '@iocflow/core';
import { IndicatorTable } from '../src/lookup/indicator-table';

const INDICATORS = Number(process.env['BENCH_INDICATORS'] ?? 1_000_000);
const EVENTS = 500;
const FEEDS = [['Feed-RansomwareTracker'], ['Feed-Bench', 'Feed-RansomwareTracker']];

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

const events = Array.from({ length: EVENTS }, (_, i) => ({ uuid: randomUUID(), info: `OSINT event ${i}: ransomware infrastructure` }));

/** The JSON text of indicator `i`, as the indicator topic carries it. */
function recordText(i: number): string {
  {
    const value = `bad${i}.bench-ioc.example`;
    const event = events[i % EVENTS] as { uuid: string; info: string };
    const feeds = FEEDS[i % FEEDS.length] as string[];
    const record: IndicatorRecord = {
      key: lookupKey('domain', value),
      kind: 'domain',
      value,
      feeds,
      updatedAt: `2025-01-0${1 + (i % 3)}T00:00:00.000Z`,
      attributes: [{ attributeUuid: randomUUID(), mispType: 'domain', eventUuid: event.uuid, eventInfo: event.info, feeds, tags: [], toIds: true, timestamp: 1_700_000_000 + i }],
    };
    return JSON.stringify(record);
  }
}

function main(): void {
  gc();
  const before = process.memoryUsage();
  const table = new IndicatorTable();
  const started = performance.now();
  for (let i = 0; i < INDICATORS; i++) {
    const record = JSON.parse(recordText(i)) as IndicatorRecord;
    table.apply(record.key, record);
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const bytes = heap + buffers;
  // The table stays reachable until after the measurement.
  if (table.lookup({ kind: 'domain', value: 'bad1.bench-ioc.example', parents: false }) === undefined) throw new Error('lookup failed');
  const mb = (n: number): string => (n / 1048576).toFixed(0);
  console.log(`table-memory: ${table.size} indicators applied in ${seconds.toFixed(1)} s, +${mb(heap)} MB heap + ${mb(buffers)} MB ArrayBuffers = ${(bytes / table.size).toFixed(0)} bytes per indicator`);
}

main();
