import type { IndicatorRecord } from '../indicator-record';
import { buildThreatHit } from '../threat-hit';
import { readHuntHits } from './read-hunt-hits';
import type { HuntClause } from './retro-hunt-search';

const indicator: IndicatorRecord = {
  key: 'domain-evil.com',
  kind: 'domain',
  value: 'evil.com',
  feeds: ['Feed-A', 'Feed-B'],
  attributes: [
    { attributeUuid: 'old', mispType: 'domain', eventUuid: 'e-old', eventInfo: '', feeds: ['Feed-A'], tags: [], toIds: true, timestamp: 1 },
    { attributeUuid: 'new', mispType: 'domain', eventUuid: 'e-new', eventInfo: '', feeds: ['Feed-B'], tags: [], tlp: 'AMBER', toIds: true, timestamp: 2 },
  ],
  updatedAt: '2026-12-03T00:00:00.000Z',
};
const clauses: HuntClause[] = [
  { field: 'destination.domain', match: 'exact' },
  { field: 'destination.domain', match: 'parent' },
  { field: 'dns.question.name', match: 'exact' },
  { field: 'dns.question.name', match: 'parent' },
];
const at = Date.parse('2026-12-03T07:00:00Z');

describe('readHuntHits', () => {
  it('gives one retrospective hit per document and matched field, pointing at the original document', () => {
    const inputs = readHuntHits(
      [{ _index: 'iocflow-logs-2026.12.01', _id: 'raw-logs-0-7', _source: { '@timestamp': '2026-12-01T10:00:00Z', destination: { domain: 'EVIL.com' }, 'dns.question.name': 'A.Evil.com.' }, matched_queries: ['q0', 'q3'] }],
      clauses,
      indicator,
      at,
    );
    expect(inputs.map((input) => [input.match.field, input.match.atomic])).toEqual([
      ['destination.domain', 'evil.com'],
      ['dns.question.name', 'a.evil.com'],
    ]);
    expect(inputs[0]).toMatchObject({ mode: 'retrospective', document: { index: 'iocflow-logs-2026.12.01', id: 'raw-logs-0-7' }, eventTimestamp: '2026-12-01T10:00:00Z' });
    expect(inputs[0]?.match).toMatchObject({ kind: 'domain', indicator: 'evil.com', feeds: ['Feed-A', 'Feed-B'], eventUuid: 'e-new', attributeUuid: 'new', tlp: 'AMBER' });
    const hit = buildThreatHit(inputs[0] as (typeof inputs)[number]);
    expect(hit.iocflow.hit.mode).toBe('retrospective');
    expect(hit.iocflow.document).toEqual({ index: 'iocflow-logs-2026.12.01', id: 'raw-logs-0-7' });
  });

  it('counts a field matched exactly and as a parent once, as exact', () => {
    const inputs = readHuntHits([{ _index: 'i', _id: '1', _source: { destination: { domain: 'evil.com' } }, matched_queries: ['q1', 'q0'] }], clauses, indicator, at);
    expect(inputs.map((input) => input.match.atomic)).toEqual(['evil.com']);
  });

  it('reads the address a range contains from the document', () => {
    const range: IndicatorRecord = { ...indicator, key: 'ip-10.0.0.0/8', kind: 'ip', value: '10.0.0.0/8' };
    const inputs = readHuntHits([{ _index: 'i', _id: '1', _source: { source: { ip: '10.1.2.3' } }, matched_queries: ['q0'] }], [{ field: 'source.ip', match: 'exact' }], range, at);
    expect(inputs[0]?.match.atomic).toBe('10.1.2.3');
  });

  it('ignores documents without an index or id and names of no known clause', () => {
    expect(readHuntHits([{ _id: '1', matched_queries: ['q0'] }, { _index: 'i', _id: '2', matched_queries: ['q9', 'x', 3] }, { _index: 'i', _id: '3' }], clauses, indicator, at)).toEqual([]);
  });
});
