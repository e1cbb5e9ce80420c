import { DEFAULT_MAX_JSON_DEPTH, lookupKey, type IndicatorRecord } from '@iocflow/core';
import { IndicatorTable } from '../../../src/lookup/indicator-table';
import { applyEnrichment } from '../../../src/pipeline/apply-enrichment';
import { compileRules, eventPlan, extractObservables } from '../../../src/pipeline/extract-observables';
import { parseLookupRules } from '../../../src/pipeline/lookup-rules';
import { readEvent } from '../../../src/pipeline/parse-event';
import { actualHits, expectedHits, expectedMispSrc, pickIndicators, sortHits, type Indicator } from '../../producers/expected-enrichment';
import { documentedLookupRules } from '../../producers/producer-doc';
import { suricataEveEvents, zeekJsonEvents, type SourceEvent } from '../../producers/producer-fixtures';

/**
 * docs/producers.md's lookup rules for Zeek and Suricata, taken from the document itself, over real
 * Zeek (JSON, converted from the TSV baselines) and Suricata EVE logs, through the enricher's own
 * stages in pipeline order: parse → extract (the rules) → lookup (an in-memory IndicatorTable, the
 * table-mode store) → apply. For every rule one value it finds in the data is loaded as an
 * indicator; every event must then carry exactly the enrichments the oracle (expected-enrichment.ts)
 * derives from the data, and the others `misp_src: none`.
 *
 * Rules the data cannot exercise are listed with the reason, and the list must stay exact: add data
 * for one and the test asks for it to be removed from the list.
 */
const SOURCES: Record<'zeek' | 'suricata', { events: () => SourceEvent[]; uncovered: Record<string, string> }> = {
  zeek: {
    events: zeekJsonEvents,
    uncovered: {
      'tx_hosts as ip': 'files.log before Zeek 5.1; the baseline is newer (uid/id fields)',
      'rx_hosts as ip': 'files.log before Zeek 5.1; the baseline is newer (uid/id fields)',
    },
  },
  suricata: {
    events: suricataEveEvents,
    uncovered: {
      'tls.sni as domain': 'the EVE excerpt has no tls event (its SNI example is quic.sni)',
      'dns.grouped.A as ip': 'the EVE excerpt logs DNS in the per-answer format, not grouped',
      'dns.grouped.AAAA as ip': 'as above',
      'dns.grouped.CNAME as domain': 'as above',
      'http.url as url': 'the excerpt\'s http.url values are paths (a whole URL appears only through a proxy)',
    },
  },
};

function indicatorRecord(indicator: Indicator): IndicatorRecord {
  const key = lookupKey(indicator.kind, indicator.value);
  return {
    key,
    kind: indicator.kind,
    value: indicator.value,
    feeds: [indicator.feed],
    updatedAt: '2026-01-01T00:00:00.000Z',
    attributes: [{ attributeUuid: `attribute-${key}`, mispType: indicator.kind, eventUuid: 'event-producers', eventInfo: 'producers doc examples', feeds: [indicator.feed], tags: [], toIds: true, timestamp: 1 }],
  };
}

describe.each(['zeek', 'suricata'] as const)('docs/producers.md lookup rules for %s, on real logs, through the enricher stages', (source) => {
  const rules = parseLookupRules(documentedLookupRules(source));
  const compiled = compileRules(rules, true);
  const events = SOURCES[source].events();
  const { indicators, uncovered } = pickIndicators(events, rules);
  const table = new IndicatorTable();
  for (const indicator of indicators) table.apply(lookupKey(indicator.kind, indicator.value), indicatorRecord(indicator));

  it('has real events, and every documented rule finds a value in them (or is listed with the reason it cannot)', () => {
    expect(events.length).toBeGreaterThan(5);
    expect(uncovered.sort()).toEqual(Object.keys(SOURCES[source].uncovered).sort());
  });

  it.each(events.map((event) => [event.origin, event] as const))('%s comes out with exactly the enrichments its values call for', (_origin, event) => {
    const parsed = readEvent(Buffer.from(event.line), { maxBytes: 1_048_576, maxDepth: DEFAULT_MAX_JSON_DEPTH }, eventPlan(compiled));
    if (!parsed.ok) throw new Error(`parse rejected it: ${parsed.rejection.reason}`);
    const extracted = extractObservables(parsed.parsed.event, compiled, 256);
    // The documented rules never dead-letter a real event of their source (no field of the wrong type).
    if (!extracted.ok) throw new Error(`extract rejected it: ${extracted.rejection.message}`);
    const matches = extracted.observations.map((observation) => table.lookup({ kind: observation.kind, value: observation.value, parents: observation.parents }));
    const enriched = JSON.parse(String(applyEnrichment(parsed.parsed, extracted.observations, { known: true, matches }))) as Record<string, unknown>;

    const expected = expectedHits(JSON.parse(event.line) as Record<string, unknown>, rules, indicators);
    expect(sortHits(actualHits(enriched))).toEqual(sortHits(expected));
    expect(enriched['misp_src']).toBe(expectedMispSrc(expected, indicators));
  });

  it('enriches a real share of the events, and leaves the rest "none"', () => {
    const outcomes = events.map((event) => expectedMispSrc(expectedHits(JSON.parse(event.line) as Record<string, unknown>, rules, indicators), indicators));
    expect(outcomes.filter((outcome) => outcome !== 'none').length).toBeGreaterThan(1);
    expect(outcomes.filter((outcome) => outcome === 'none').length).toBeGreaterThan(0);
  });
});

describe('the rule documents combine', () => {
  it('Zeek and Suricata rules concatenate into one valid document (one topic, several sources)', () => {
    const combined = JSON.stringify([...(JSON.parse(documentedLookupRules('zeek')) as unknown[]), ...(JSON.parse(documentedLookupRules('suricata')) as unknown[])]);
    const rules = parseLookupRules(combined);
    expect(rules.length).toBe(parseLookupRules(documentedLookupRules('zeek')).length + parseLookupRules(documentedLookupRules('suricata')).length);
  });
});
