/**
 * The indexer's CPU per document without Kafka or Elasticsearch (issue 14): the per-document work
 * of IndexerPipeline between the consumer and the HTTP client, on BENCH_DOCS (default 100,000)
 * enriched events (real Zeek DNS logs as ECS, as the `indexer` bench builds them, with the
 * enricher's origin headers), in batches of BENCH_BATCH (default 1,000), timed in process CPU time.
 *
 *   touch only       read each record's value and headers: the floor (what a consume-only pass
 *                    hands the handler)
 *   prepare          readOrigin + prepareBulkDocument (UTF-8 check, scanJsonObject, id, index)
 *   per document     prepare + bulkEntryBytes (the batcher's size) + encodeBulk of each batch +
 *                    the classification of an all-ok response: everything the indexer does per
 *                    document besides Kafka and HTTP
 *   whole parse      for comparison: JSON.parse + JSON.stringify of every document (what a naive
 *                    indexer would do instead of forwarding the record's bytes)
 *
 * Rounds alternate the variants; the minimum and the median per variant are reported.
 * `node --cpu-prof dist/bench/indexer-stages.js` profiles the same work.
 *
 *   npm run bench indexer-stages
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { readFileSync } from 'node:fs';
import { bulkEntryBytes, encodeBulk, originHeaders, prepareBulkDocument, readOrigin, type BulkDocument, type IndexTarget } from '@iocflow/core';
import { fixturePath, zeekLogAsEcs } from '@iocflow/testing';

const env = (name: string, fallback: number): number => Number(process.env['BENCH_' + name] ?? fallback);
const DOCS = env('DOCS', 100_000);
const BATCH = env('BATCH', 1000);
const ROUNDS = env('ROUNDS', 5);

interface Message {
  readonly offset: string;
  readonly value: Buffer;
  readonly headers: Record<string, Buffer>;
  readonly timestamp: string;
}

function messages(): Message[][] {
  const base = zeekLogAsEcs(readFileSync(fixturePath('zeek/testing/btest/Baseline/opt.basic/dns.log'), 'utf8'));
  const all = Array.from({ length: DOCS }, (_, i): Message => {
    const value = Buffer.from(JSON.stringify({ ...base[i % base.length], event: { id: `bench-${i}`, kind: 'event' }, misp_src: i % 10 === 0 ? 'Feed-X' : 'none' }));
    const headers: Record<string, Buffer> = {};
    for (const [name, text] of Object.entries(originHeaders({ topic: 'raw-logs', partition: i % 4, offset: String(i) }))) headers[name] = Buffer.from(text);
    return { offset: String(i), value, headers, timestamp: String(1_735_689_600_000 + i) };
  });
  const batches: Message[][] = [];
  for (let i = 0; i < all.length; i += BATCH) batches.push(all.slice(i, i + BATCH));
  return batches;
}

const target: IndexTarget = { kind: 'daily', prefix: 'iocflow-logs' };
const nowMs = Date.UTC(2026, 0, 1);

function prepareAll(batch: readonly Message[]): BulkDocument[] {
  const documents: BulkDocument[] = [];
  for (const message of batch) {
    const origin = readOrigin(message.headers);
    const prepared = prepareBulkDocument({ coordinates: { topic: 'enriched-logs', partition: 0, offset: message.offset }, ...(origin ? { origin } : {}), value: message.value, timestamp: message.timestamp }, { target, nowMs });
    if (prepared.kind === 'document') documents.push(prepared.document);
  }
  return documents;
}

async function main(): Promise<void> {
  const batches = messages();
  let sink = 0;
  const variants: Record<string, () => void> = {
    'touch only (the floor)': () => {
      for (const batch of batches) for (const message of batch) sink += message.value.length + Object.keys(message.headers).length;
    },
    prepare: () => {
      for (const batch of batches) sink += prepareAll(batch).length;
    },
    'per document (prepare + entry bytes + encodeBulk + all-ok classify)': () => {
      for (const batch of batches) {
        const documents = prepareAll(batch);
        let bytes = 0;
        for (const document of documents) bytes += bulkEntryBytes(document);
        const body = encodeBulk(documents);
        // an all-ok `_bulk` answer, as filter_path leaves it, parsed as the HTTP client does
        const response = JSON.parse(`{"errors":false,"items":[${'{"index":{"status":201}},'.repeat(documents.length - 1)}{"index":{"status":201}}]}`) as { items: unknown[] };
        sink += bytes + body.length + response.items.length;
      }
    },
    'whole parse (JSON.parse + JSON.stringify, for comparison)': () => {
      for (const batch of batches) for (const message of batch) sink += JSON.stringify(JSON.parse(message.value.toString('utf8'))).length;
    },
  };
  const names = Object.keys(variants);
  for (const name of names) (variants[name] as () => void)();
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      (globalThis as { gc?: () => void }).gc?.();
      const started = process.cpuUsage();
      (variants[name] as () => void)();
      const used = process.cpuUsage(started);
      (samples.get(name) as number[]).push((used.user + used.system) / DOCS);
    }
  }
  const mean = Math.round(batches.flat().reduce((sum, message) => sum + message.value.length, 0) / DOCS);
  console.log(`\n${DOCS} documents (mean ${mean} bytes), batches of ${BATCH}, ${ROUNDS} interleaved rounds, process CPU time (sink ${sink > 0 ? 'ok' : 'empty'})`);
  console.log('| variant | CPU µs/doc (min) | CPU µs/doc (median) |\n| --- | --- | --- |');
  for (const name of names) {
    const sorted = [...(samples.get(name) as number[])].sort((a, b) => a - b);
    console.log(`| ${name} | ${(sorted[0] as number).toFixed(2)} | ${(sorted[Math.floor(sorted.length / 2)] as number).toFixed(2)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
