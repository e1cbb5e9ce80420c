/**
 * What bounding parent-domain matching by the Public Suffix List (issue 15) costs per lookup:
 * the candidate values of BENCH_QUERIES domain queries drawn as the enricher-stages load draws
 * `destination.domain` (Zipf s = 1.1 over 200,000 benign `www.siteN.example.org` names, 5% on
 * one of 10,000 indicator domains or a `cdnN.` subdomain of one), with a tenth of the benign
 * names under `co.uk` and `github.io` so the list's deeper rules run too. Two variants,
 * interleaved for BENCH_ROUNDS rounds, in process CPU time (user + system, GC included):
 *
 * - before: `parentDomains(value, 2)`, the label walk the enricher used;
 * - enricher: `candidateValues`, the walk bounded by the Public Suffix List (what ships).
 *
 *   npm run bench candidate-values      (node --expose-gc)
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { parentDomains } from '@iocflow/core';
import { candidateValues } from '../src/lookup/candidate-values';
import { seededRandom, zipfSampler } from './load-generator';

const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

function domains(): string[] {
  const random = seededRandom(15);
  const benign = zipfSampler(200_000, 1.1, random);
  const bad = zipfSampler(10_000, 1.1, random);
  const suffixes = ['example.org', 'example.org', 'example.org', 'example.org', 'example.org', 'example.org', 'example.org', 'example.org', 'example.co.uk', 'github.io'];
  const result: string[] = [];
  for (let i = 0; i < QUERIES; i++) {
    if (random() < 0.05) {
      const indicator = `bad${bad()}.ioc.example`;
      result.push(random() < 0.5 ? indicator : `cdn${Math.floor(random() * 10)}.${indicator}`);
    } else {
      const n = benign();
      result.push(`www.site${n}.${suffixes[n % suffixes.length] as string}`);
    }
  }
  // Fresh strings, as JSON.parse gives each event: no hash cached on a shared string.
  return result.map((text) => JSON.parse(JSON.stringify(text)) as string);
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

const variants: Record<string, (value: string) => number> = {
  before: (value) => parentDomains(value, 2).length,
  enricher: (value) => candidateValues({ kind: 'domain', value, parents: true }).length,
};

const values = domains();
const results: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(variants);
  const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
  for (const name of order) {
    const run = variants[name] as (value: string) => number;
    (globalThis as { gc?: () => void }).gc?.();
    const start = cpuMicros();
    for (const value of values) sink += run(value);
    (results[name] as number[]).push(((cpuMicros() - start) * 1000) / values.length);
  }
}
const minimum = (list: readonly number[]): number => Math.min(...list);
const base = minimum(results['before'] as number[]);
console.log(`${QUERIES} domain queries, ${ROUNDS} interleaved rounds, process CPU ns/query (minimum · median), ratio to before (minima); checksum ${sink}`);
for (const [name, list] of Object.entries(results)) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`${name.padEnd(14)} ${minimum(list).toFixed(0).padStart(5)} · ${(sorted[Math.floor(sorted.length / 2)] as number).toFixed(0).padStart(5)}   ×${(minimum(list) / base).toFixed(2)}`);
}
