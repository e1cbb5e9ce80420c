import type { IndicatorMatch } from '../lookup/indicator-lookup';
import { applyEnrichment, MATCHED_TYPE, outputConflict } from './apply-enrichment';
import type { Observation } from './extract-observables';
import { compileRules, eventPlan } from './extract-observables';
import { DEFAULT_LOOKUP_RULES } from './lookup-rules';
import { parseEvent, readEvent, type WholeEvent } from './parse-event';

function parsed(text: string): WholeEvent {
  const result = parseEvent(Buffer.from(text), { maxBytes: 1 << 20, maxDepth: 1000 });
  if (!result.ok) throw new Error('not parsed');
  return result.parsed;
}

const scanPlan = eventPlan(compileRules(DEFAULT_LOOKUP_RULES, true));
function scanned(bytes: Buffer) {
  const result = readEvent(bytes, { maxBytes: 1 << 20, maxDepth: 1000 }, scanPlan);
  if (!result.ok || result.parsed.complete) throw new Error('not scanned');
  return result.parsed;
}

const domainObservation: Observation = { field: 'destination.domain', kind: 'domain', value: 'a.evil.com', parents: true };
const ipObservation: Observation = { field: 'source.ip', kind: 'ip', value: '10.1.2.3', parents: false };
const domainMatch: IndicatorMatch = { kind: 'domain', indicator: 'evil.com', feeds: ['Feed-B', 'Feed-A'] };

describe('applyEnrichment', () => {
  it('on a scanned event without a hit splices a fixed misp_src tail onto the record\'s own bytes', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const cases: [Buffer, Parameters<typeof applyEnrichment>[2], string][] = [
      [Buffer.from('{"destination":{"domain":"a.evil.com"}} \n'), { known: true, matches: [undefined] }, '{"destination":{"domain":"a.evil.com"},"misp_src":"none"}'],
      [Buffer.concat([bom, Buffer.from('{"a":"é"}')]), { known: true, matches: [] }, '{"a":"é","misp_src":"none"}'],
      [Buffer.from('{ }'), { known: true, matches: [] }, '{ "misp_src":"none"}'],
      [Buffer.from('{"a":1}'), { known: false }, '{"a":1,"misp_src":"unknown"}'],
      [Buffer.from('{}'), { known: false }, '{"misp_src":"unknown"}'],
    ];
    for (const [bytes, outcome, expected] of cases) {
      const output = applyEnrichment(scanned(bytes), [domainObservation], outcome);
      expect(Buffer.isBuffer(output)).toBe(true);
      expect(output.toString()).toBe(expected);
    }
    // a hit, or observables left unchecked, still writes the full suffix
    expect(String(applyEnrichment(scanned(Buffer.from('{"a":1}')), [domainObservation], { known: true, matches: [] }, {}, 3))).toBe('{"a":1,"misp_src":"unknown","misp_partial":{"observables_unchecked":3}}');
  });

  it('on a miss appends misp_src "none" and leaves the original text byte for byte', () => {
    const input = '{"destination":{"domain":"a.evil.com"}, "message":"x  y"}';
    const output = applyEnrichment(parsed(input), [domainObservation], { known: true, matches: [undefined] });
    expect(output).toBe('{"destination":{"domain":"a.evil.com"}, "message":"x  y","misp_src":"none"}');
  });

  it('on a hit writes the feeds as stored and an ECS enrichment per matched field', () => {
    const output = JSON.parse(applyEnrichment(parsed('{"destination":{"domain":"a.evil.com"}}'), [domainObservation], { known: true, matches: [domainMatch] }));
    expect(output.misp_src).toBe('Feed-A,Feed-B');
    expect(output.threat.enrichments).toEqual([
      {
        indicator: { type: 'domain-name', provider: 'misp', name: 'evil.com', url: { domain: 'evil.com' } },
        feed: { name: ['Feed-B', 'Feed-A'] },
        matched: { atomic: 'a.evil.com', field: 'destination.domain', type: MATCHED_TYPE },
      },
    ]);
    expect(output.destination).toEqual({ domain: 'a.evil.com' });
  });

  it('unions feeds over several hits and keeps one entry per hit', () => {
    const ipMatch: IndicatorMatch = {
      kind: 'ip',
      indicator: '10.0.0.0/8',
      feeds: ['Feed-C'],
      source: { eventUuid: 'e-1', eventInfo: 'Botnet C2', attributeUuid: 'a-1' },
      modifiedAt: '2025-01-01T00:00:00.000Z',
    };
    const output = JSON.parse(
      applyEnrichment(parsed('{"a":1}'), [domainObservation, ipObservation], { known: true, matches: [domainMatch, ipMatch] }, { mispUrl: 'https://misp.example/' }),
    );
    expect(output.misp_src).toBe('Feed-A,Feed-B,Feed-C');
    expect(output.threat.enrichments[1]).toEqual({
      indicator: {
        type: 'ipv4-addr',
        provider: 'misp',
        name: '10.0.0.0/8',
        description: 'Botnet C2',
        reference: 'https://misp.example/events/view/e-1',
        modified_at: '2025-01-01T00:00:00.000Z',
      },
      feed: { name: 'Feed-C' },
      matched: { atomic: '10.1.2.3', field: 'source.ip', type: MATCHED_TYPE, id: 'a-1' },
    });
  });

  // Issue 15: TLP, confidence, first/last seen and the MISP event reference, as ECS names them.
  it('writes the marking, confidence, first/last seen and reference the store knows', () => {
    const match: IndicatorMatch = {
      kind: 'ip',
      indicator: '10.1.2.3',
      feeds: ['Feed-C'],
      source: { eventUuid: 'e-1', eventInfo: 'Botnet C2', attributeUuid: 'a-1', firstSeen: '2024-06-01T00:00:00Z', lastSeen: '2025-01-01T00:00:00.000Z', tlp: 'AMBER+STRICT', confidence: 'Medium' },
    };
    const output = JSON.parse(applyEnrichment(parsed('{}'), [ipObservation], { known: true, matches: [match] }, { mispUrl: 'https://misp.example' }));
    expect(output.threat.enrichments[0].indicator).toEqual({
      type: 'ipv4-addr',
      provider: 'misp',
      name: '10.1.2.3',
      ip: '10.1.2.3',
      description: 'Botnet C2',
      reference: 'https://misp.example/events/view/e-1',
      first_seen: '2024-06-01T00:00:00Z',
      last_seen: '2025-01-01T00:00:00.000Z',
      confidence: 'Medium',
      marking: { tlp: 'AMBER+STRICT' },
    });
  });

  it.each([
    ['ip', '2001:db8::1', { type: 'ipv6-addr', ip: '2001:db8::1' }],
    ['ip', '1.2.3.4', { type: 'ipv4-addr', ip: '1.2.3.4' }],
    ['url', 'http://evil.com/a', { type: 'url', url: { full: 'http://evil.com/a' } }],
    ['uri', '/gate.php', { type: 'url', url: { original: '/gate.php' } }],
    ['sha256', 'ab'.repeat(32), { type: 'file', file: { hash: { sha256: 'ab'.repeat(32) } } }],
    ['md5', 'ab'.repeat(16), { type: 'file', file: { hash: { md5: 'ab'.repeat(16) } } }],
    ['email', 'x@evil.com', { type: 'email-addr', email: { address: 'x@evil.com' } }],
  ] as const)('puts a %s indicator %s in its ECS field', (kind, value, expected) => {
    const observation: Observation = { field: 'f', kind, value, parents: false };
    const output = JSON.parse(applyEnrichment(parsed('{}'), [observation], { known: true, matches: [{ kind, indicator: value, feeds: ['F'] }] }));
    expect(output.threat.enrichments[0].indicator).toEqual({ provider: 'misp', name: value, ...expected });
  });

  it('writes "unknown" and no enrichment when the store could not answer', () => {
    expect(applyEnrichment(parsed('{}'), [domainObservation], { known: false })).toBe('{"misp_src":"unknown"}');
    expect(applyEnrichment(parsed(' {"a":1} \n'), [], { known: false })).toBe(' {"a":1,"misp_src":"unknown"}');
  });

  it('rebuilds a pre-enriched event idempotently, keeping other providers and threat fields', () => {
    const first = applyEnrichment(parsed('{"threat":{"tactic":{"name":["x"]},"enrichments":[{"indicator":{"provider":"other"}}]}}'), [domainObservation], {
      known: true,
      matches: [domainMatch],
    });
    const second = applyEnrichment(parsed(first), [domainObservation], { known: true, matches: [domainMatch] });
    expect(second).toBe(first);
    const output = JSON.parse(second);
    expect(output.threat.tactic).toEqual({ name: ['x'] });
    expect(output.threat.enrichments.map((e: { indicator: { provider: string } }) => e.indicator.provider)).toEqual(['other', 'misp']);
    const missed = JSON.parse(applyEnrichment(parsed(first), [domainObservation], { known: true, matches: [undefined] }));
    expect(missed.misp_src).toBe('none');
    expect(missed.threat.enrichments).toEqual([{ indicator: { provider: 'other' } }]);
  });

  it('refuses to overwrite a threat field that is not an object', () => {
    expect(outputConflict({ threat: 'high' })?.reason).toBe('field_type');
    expect(outputConflict({ threat: {} })).toBeUndefined();
    expect(outputConflict({})).toBeUndefined();
  });
});
