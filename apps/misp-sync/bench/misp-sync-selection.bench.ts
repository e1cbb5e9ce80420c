/**
 * misp-sync's per-attribute filter cost (issue 15): selection, false-positive control and expiry
 * (`IndicatorFilter.apply`) on top of the normalise stage (`toAttributeUpdate`), over 1,000,000
 * generated attributes shaped like a MISP instance's (docs/benchmarks.md, "misp-sync selection").
 *
 *   BENCH_ATTRIBUTES=1000000 npm run bench misp-sync-selection
 *   BENCH_WARNINGLISTS_DIR=/path/to/misp-warninglists npm run bench misp-sync-selection   # a full checkout
 *
 * CPU only, no stack: the baseline (normalise alone) and the filtered run alternate three times
 * each in this process, and the process CPU time (`process.cpuUsage`) of each is reported per
 * attribute with their ratio, the best of the three (the machine is shared and noisy).
 */
import type { MispAttribute } from '@iocflow/core';
import { loadMispSyncConfig } from '../src/misp-sync.config';
import { buildSelection } from '../src/selection/build-selection';
import { toAttributeUpdate } from '../src/sync/to-attribute-update';

const COUNT = Number(process.env['BENCH_ATTRIBUTES'] ?? 1_000_000);
const TYPES = ['domain', 'ip-dst', 'url', 'sha256', 'md5', 'domain|ip', 'hostname', 'ip-src'] as const;
const NOW_SEC = Math.floor(Date.now() / 1000);

function valueOf(type: string, i: number): string {
  const hex = i.toString(16).padStart(8, '0');
  const ip = `${(i % 200) + 11}.${(i >> 8) & 255}.${(i >> 16) & 255}.${i & 255}`;
  switch (type) {
    case 'domain':
    case 'hostname':
      return `c2-${hex}.evil-${i % 97}.com`;
    case 'ip-dst':
    case 'ip-src':
      return i % 50 === 0 ? `10.${(i >> 8) & 255}.${i & 255}.1` : ip;
    case 'url':
      return `http://c2-${hex}.evil.net/gate.php?id=${i}`;
    case 'sha256':
      return hex.repeat(8);
    case 'md5':
      return hex.repeat(4);
    default:
      return `c2-${hex}.evil.org|${ip}`;
  }
}

function attributes(): MispAttribute[] {
  const list: MispAttribute[] = [];
  for (let i = 0; i < COUNT; i++) {
    const type = TYPES[i % TYPES.length] ?? 'domain';
    list.push({
      id: String(i + 1),
      eventId: String((i % 1000) + 1),
      objectId: '0',
      objectRelation: null,
      category: 'Network activity',
      type,
      value: valueOf(type, i),
      toIds: true,
      uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      // Most within a month, some older than the ip and domain ages.
      timestamp: NOW_SEC - (i % 120) * 86_400,
      distribution: '5',
      comment: '',
      deleted: false,
      firstSeen: null,
      lastSeen: null,
      event: { id: String((i % 1000) + 1), uuid: '11111111-1111-4111-8111-111111111111', info: 'bench', orgcId: '1', distribution: '1', published: true },
      tags: [
        { name: `Feed-${i % 7}`, inherited: true },
        { name: i % 3 === 0 ? 'tlp:amber' : 'tlp:green', inherited: true },
      ],
    });
  }
  return list;
}

function main(): void {
  const config = loadMispSyncConfig({
    MISP_URL: 'https://misp.example',
    MISP_API_KEY: 'bench',
    MISP_TAGS_INCLUDE: 'Feed-*',
    MISP_TAGS_EXCLUDE: 'false-positive:*',
    IOC_ALLOWLIST: 'corp.example,192.0.2.0/24',
    ...(process.env['BENCH_WARNINGLISTS_DIR'] === undefined ? {} : { MISP_WARNINGLISTS_DIR: process.env['BENCH_WARNINGLISTS_DIR'] }),
  });
  const built = buildSelection(config);
  const rules = { feedTagPattern: 'Feed-*', defaultFeed: 'misp' };
  const input = attributes();
  let sink = 0;
  const runs: { baseline: number[]; filtered: number[] } = { baseline: [], filtered: [] };
  const cpuMicros = (work: () => void): number => {
    globalThis.gc?.();
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    return used.user + used.system;
  };
  for (let round = 0; round < 3; round++) {
    runs.baseline.push(
      cpuMicros(() => {
        for (const attribute of input) sink += toAttributeUpdate(attribute, rules).entries.length;
      }),
    );
    runs.filtered.push(
      cpuMicros(() => {
        for (const attribute of input) sink += built.filter.apply(attribute, toAttributeUpdate(attribute, rules), NOW_SEC).update.entries.length;
      }),
    );
  }
  const best = (values: number[]) => Math.min(...values);
  const perAttribute = (micros: number) => +((micros * 1000) / COUNT).toFixed(0);
  const baselineNs = perAttribute(best(runs.baseline));
  const filteredNs = perAttribute(best(runs.filtered));
  process.stdout.write(
    `misp-sync-selection bench ${JSON.stringify({
      attributes: COUNT,
      warninglists: built.guard.warninglistNames.length,
      baselineNsPerAttribute: baselineNs,
      filteredNsPerAttribute: filteredNs,
      filterNsPerAttribute: filteredNs - baselineNs,
      ratio: +(filteredNs / baselineNs).toFixed(2),
      runsMicros: runs,
      checksum: sink,
    })}\n`,
  );
}

main();
