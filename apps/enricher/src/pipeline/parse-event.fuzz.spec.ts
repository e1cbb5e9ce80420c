import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { hostileRecordValue } from '@iocflow/testing';
import { generateEvents } from '../../bench/load-generator';
import { REPO_ROOT } from '../../test/producers/producer-doc';
import { suricataEveEvents, zeekJsonEvents } from '../../test/producers/producer-fixtures';
import type { IndicatorMatch } from '../lookup/indicator-lookup';
import { applyEnrichment, applyEnrichmentWithin, type LookupOutcome } from './apply-enrichment';
import { compileRules, eventPlan, extractObservables, type CompiledRule } from './extract-observables';
import { DEFAULT_LOOKUP_RULES } from './lookup-rules';
import { parseEvent, readEvent, type EventLimits } from './parse-event';

/**
 * Issue 14: the hot path's scan (readEvent) against the whole-event parse (parseEvent, JSON.parse)
 * on real events from test/fixtures (Suricata EVE, Zeek JSON, filebeat's nginx ECS documents with
 * dotted keys), generated ECS events, hostile values, and all of them damaged: the same verdict and
 * reason for every value, the same observations, and byte-for-byte the same enriched output.
 */
const rules: CompiledRule[] = compileRules(
  [
    ...DEFAULT_LOOKUP_RULES,
    // fields the Zeek and Suricata events hold (docs/producers.md spells them this way)
    { field: 'id.orig_h', kind: 'ip' },
    { field: 'id.resp_h', kind: 'ip' },
    { field: 'query', kind: 'domain' },
    { field: 'src_ip', kind: 'ip' },
    { field: 'dest_ip', kind: 'ip' },
    { field: 'dns.rrname', kind: 'domain' },
    { field: 'http.hostname', kind: 'domain' },
    { field: 'url.original', kind: 'url' },
  ],
  true,
);
const plan = eventPlan(rules);
const limits: EventLimits = { maxBytes: 64 * 1024, maxDepth: 64 };

const nginx = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/elastic-beats/filebeat/module/nginx/access/test/test.log-expected.json'), 'utf8')) as unknown[]).map((document) => JSON.stringify(document));
const realEvents = [...suricataEveEvents().map((event) => event.line), ...zeekJsonEvents().map((event) => event.line), ...nginx];
const generated = generateEvents({ events: 200, hitRate: 0.2, indicatorDomains: ['evil.example'], benignDomains: 50, seed: 14 }).values.map((value) => value.toString('utf8'));
/** Pre-enriched and replayed events: they take the parse path (their output is rebuilt). */
const replayed = [
  '{"destination":{"domain":"a.evil.example"},"misp_src":"none"}',
  '{"threat":{"enrichments":[{"indicator":{"provider":"misp"}}]},"source":{"ip":"10.0.0.7"}}',
  '{"misp_partial":{"enrichments_omitted":1},"url":{"full":"http://x.example/7"}}',
  '{"thr\\u0065at":{},"source.ip":"10.7.7.7"}',
];
const event = fc.constantFrom(...realEvents, ...generated, ...replayed);

/** A store that hits on every value holding a 7 (with a source, so entries carry every field). */
function outcomeFor(observations: readonly { kind: string; value: string }[]): LookupOutcome {
  const matches = observations.map((observation): IndicatorMatch | undefined =>
    observation.value.includes('7') ? { kind: observation.kind as IndicatorMatch['kind'], indicator: observation.value, feeds: ['Feed-7'], source: { eventUuid: 'e', eventInfo: 'info', attributeUuid: 'a' } } : undefined,
  );
  return { known: true, matches };
}

function sameEverywhere(value: Buffer): void {
  const scanned = readEvent(value, limits, plan);
  const parsed = parseEvent(value, limits);
  expect(scanned.ok).toBe(parsed.ok);
  if (!scanned.ok || !parsed.ok) {
    expect(scanned).toEqual(parsed);
    return;
  }
  const fromScan = extractObservables(scanned.parsed.event, rules, 8);
  const fromParse = extractObservables(parsed.parsed.event, rules, 8);
  expect(fromScan).toEqual(fromParse);
  if (!fromScan.ok) return;
  const outcome = outcomeFor(fromScan.observations);
  for (const options of [{}, { maxEnrichments: 1, mispUrl: 'https://misp.example' }]) {
    expect(String(applyEnrichment(scanned.parsed, fromScan.observations, outcome, options, fromScan.unchecked))).toBe(applyEnrichment(parsed.parsed, fromScan.observations, outcome, options, fromScan.unchecked));
  }
  const size = Buffer.byteLength(applyEnrichment(parsed.parsed, fromScan.observations, outcome, {}, fromScan.unchecked)) - 40;
  const trimmed = applyEnrichmentWithin(scanned.parsed, fromScan.observations, outcome, {}, fromScan.unchecked, size);
  const reference = applyEnrichmentWithin(parsed.parsed, fromScan.observations, outcome, {}, fromScan.unchecked, size);
  expect(trimmed === undefined ? undefined : String(trimmed)).toBe(reference);
}

const damage = fc.tuple(fc.nat(), fc.constantFrom(...'{}[]",:\\ \n0-.eEtu\u00e9\u0001'.split('')), fc.constantFrom('replace', 'insert', 'remove', 'cut'));
function damaged(text: string, [at, char, how]: [number, string, string]): Buffer {
  const position = text.length === 0 ? 0 : at % text.length;
  if (how === 'cut') return Buffer.from(text.slice(0, position));
  if (how === 'remove') return Buffer.from(text.slice(0, position) + text.slice(position + 1));
  return Buffer.from(text.slice(0, position) + char + text.slice(how === 'insert' ? position : position + 1));
}

describe('readEvent (the scan) against parseEvent (JSON.parse) (fast-check)', () => {
  it('has real events to work on', () => {
    expect(realEvents.length).toBeGreaterThan(20);
    expect(nginx.some((text) => text.includes('"source.ip"'))).toBe(true);
  });

  it('agrees on every real, generated and replayed event, also written with a byte order mark or spread over lines', () => {
    for (const text of [...realEvents, ...generated, ...replayed]) {
      sameEverywhere(Buffer.from(text));
      sameEverywhere(Buffer.from(`\ufeff${text}`));
      sameEverywhere(Buffer.from(JSON.stringify(JSON.parse(text), null, 2)));
    }
  });

  it('agrees on damaged events', () => {
    fc.assert(
      fc.property(event, damage, (text, how) => sameEverywhere(damaged(text, how))),
      { seed: 14_011, numRuns: 4000, endOnFailure: true },
    );
  });

  it('agrees on hostile values (issue 11)', () => {
    fc.assert(
      fc.property(hostileRecordValue, (value) => {
        if (value !== null) sameEverywhere(Buffer.isBuffer(value) ? value : Buffer.from(value));
      }),
      { seed: 14_012, numRuns: 2000, endOnFailure: true },
    );
  });
});
