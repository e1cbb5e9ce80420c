import fc from 'fast-check';
import type { IndicatorRecord } from './indicator-record';
import { readIndicatorRecord } from './read-indicator-record';

const record: IndicatorRecord = {
  key: 'domain-evil.example',
  kind: 'domain',
  value: 'evil.example',
  feeds: ['Feed-A'],
  attributes: [{ attributeUuid: 'u', source: 'feed:x', mispType: 'domain', eventUuid: 'e', eventInfo: 'i', feeds: ['Feed-A'], tags: [], toIds: true, timestamp: 1, firstSeen: '2025-01-01', decayScore: 80, threatLevel: 'High', tlp: 'AMBER' }],
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const text = (value: unknown): string => JSON.stringify(value);

describe('readIndicatorRecord', () => {
  it('accepts what misp-sync writes, with or without attributes left out', () => {
    expect(readIndicatorRecord(record.key, text(record))).toEqual({ ok: true, record });
    const capped = { ...record, attributesOmitted: 3 };
    expect(readIndicatorRecord(record.key, text(capped))).toEqual({ ok: true, record: capped });
    expect(readIndicatorRecord(record.key, text({ ...record, attributes: [] }))).toMatchObject({ ok: true });
  });

  it.each<[string, string, string]>([
    ['not JSON', 'nope', 'not_json'],
    ['null', 'null', 'not_record'],
    ['another key', text({ ...record, key: 'domain-other.example' }), 'not_record'],
    ['an unknown kind', text({ ...record, kind: 'regkey' }), 'not_record'],
    ['an empty value', text({ ...record, value: '' }), 'not_record'],
    ['feeds that are not strings', text({ ...record, feeds: [1] }), 'not_record'],
    ['attributes that are not a list', text({ ...record, attributes: {} }), 'not_record'],
    // issue 11: one such record threw in the enricher's table loader and stopped every (re)load
    ['a null attribute', text({ ...record, attributes: [null] }), 'not_record'],
    ['an attribute without uuid', text({ ...record, attributes: [{ ...record.attributes[0], attributeUuid: undefined }] }), 'not_record'],
    ['an attribute with a string timestamp', text({ ...record, attributes: [{ ...record.attributes[0], timestamp: '1' }] }), 'not_record'],
    ['an attribute with a non-string mispType', text({ ...record, attributes: [{ ...record.attributes[0], mispType: 7 }] }), 'not_record'],
    ['an attribute with a non-string tlp', text({ ...record, attributes: [{ ...record.attributes[0], tlp: 3 }] }), 'not_record'],
    ['a negative attributesOmitted', text({ ...record, attributesOmitted: -1 }), 'not_record'],
  ])('refuses %s', (_name, value, reason) => {
    expect(readIndicatorRecord(record.key, value)).toMatchObject({ ok: false, reason });
  });

  it('never throws, and what it accepts has the shape every reader relies on (fast-check)', () => {
    const attribute = fc.record(
      { attributeUuid: fc.string(), mispType: fc.string(), eventUuid: fc.string(), eventInfo: fc.string(), feeds: fc.array(fc.string()), tags: fc.array(fc.string()), toIds: fc.boolean(), timestamp: fc.double() },
      { requiredKeys: [] },
    );
    const candidate = fc.oneof(
      fc.jsonValue(),
      fc.record({ key: fc.constant(record.key), kind: fc.constantFrom('domain', 'ip', 'x'), value: fc.string(), feeds: fc.array(fc.string()), updatedAt: fc.string(), attributes: fc.array(fc.oneof(attribute, fc.jsonValue())) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(candidate, (value) => {
        const result = readIndicatorRecord(record.key, text(value) ?? 'undefined');
        if (!result.ok) return;
        for (const contribution of result.record.attributes) {
          expect(typeof contribution.attributeUuid).toBe('string');
          expect(Number.isFinite(contribution.timestamp)).toBe(true);
          expect(contribution.feeds.every((feed) => typeof feed === 'string')).toBe(true);
        }
      }),
      { numRuns: 1000, seed: 1111 },
    );
  });
});
