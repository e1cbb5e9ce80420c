import { readThreatHit } from './read-threat-hit';
import { buildThreatHit } from './threat-hit';

const hit = buildThreatHit({
  mode: 'live',
  origin: { topic: 'raw-logs', partition: 0, offset: '7' },
  document: { id: 'raw-logs-0-7' },
  eventTimestamp: '2026-12-03T06:00:00Z',
  match: { field: 'source.ip', atomic: '10.1.2.3', kind: 'ip', indicator: '10.0.0.0/8', feeds: ['f'], eventUuid: 'e', attributeUuid: 'a' },
  atMs: 0,
});

describe('readThreatHit', () => {
  it('reads back what buildThreatHit wrote, from bytes or text', () => {
    expect(readThreatHit(Buffer.from(JSON.stringify(hit)))).toEqual({ ok: true, hit });
    expect(readThreatHit(JSON.stringify(hit))).toEqual({ ok: true, hit });
  });

  it.each([
    [null, 'empty value'],
    ['{', 'not JSON'],
    ['[]', 'not a JSON object'],
    [JSON.stringify({ ...hit, '@timestamp': 'soon' }), '@timestamp is not an ISO-8601 time'],
    [JSON.stringify({ ...hit, event: { ...hit.event, created: 'now' } }), 'event.created is not an ISO-8601 time'],
    [JSON.stringify({ ...hit, iocflow: { ...hit.iocflow, hit: { id: 'x', mode: 'later' } } }), 'iocflow.hit.mode is not live or retrospective'],
    [JSON.stringify({ ...hit, iocflow: { ...hit.iocflow, indicator: { kind: 'asn', value: '1' } } }), 'iocflow.indicator.kind is not a known kind'],
    [JSON.stringify({ ...hit, iocflow: { ...hit.iocflow, indicator: { kind: 'ip', value: '' } } }), 'iocflow.indicator.value is missing'],
    [JSON.stringify({ ...hit, iocflow: { ...hit.iocflow, document: {} } }), 'iocflow.document.id is missing'],
    [JSON.stringify({ ...hit, threat: { enrichments: [] } }), 'threat.enrichments is not one entry'],
    [JSON.stringify({ ...hit, misp: { attribute_uuid: 3 } }), 'misp is not event_uuid/attribute_uuid strings'],
  ])('refuses %s: %s', (value, reason) => {
    expect(readThreatHit(value)).toEqual({ ok: false, reason });
  });
});
