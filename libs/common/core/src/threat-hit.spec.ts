import { buildThreatHit, liveHitDocument, threatHitKey, threatIndicatorType, type LiveHitInput, type RetrospectiveHitInput } from './threat-hit';

const origin = { topic: 'raw-logs', partition: 2, offset: '9007199254740993' };
const match = { field: 'destination.domain', atomic: 'a.evil.com', kind: 'domain', indicator: 'evil.com', feeds: ['feed-a', 'feed-b'] } as const;
const live: LiveHitInput = {
  mode: 'live',
  origin,
  document: { index: 'iocflow-logs-2026.12.03', id: 'raw-logs-2-9007199254740993' },
  eventTimestamp: '2026-12-03T06:00:00.123Z',
  match,
  atMs: Date.UTC(2026, 11, 3, 7, 0, 0),
};

describe('buildThreatHit', () => {
  it('builds the ECS-shaped record of one live match', () => {
    const hit = buildThreatHit(live);
    expect(hit).toEqual({
      '@timestamp': '2026-12-03T06:00:00.123Z',
      event: { kind: 'enrichment', category: ['threat'], type: ['indicator'], created: '2026-12-03T07:00:00.000Z' },
      iocflow: {
        hit: { id: threatHitKey(live), mode: 'live' },
        indicator: { kind: 'domain', value: 'evil.com' },
        origin,
        document: { index: 'iocflow-logs-2026.12.03', id: 'raw-logs-2-9007199254740993' },
      },
      threat: {
        enrichments: [{ matched: { field: 'destination.domain', atomic: 'a.evil.com', type: 'indicator_match_rule' }, indicator: { type: 'domain-name', provider: 'misp', name: 'evil.com' }, feed: { name: ['feed-a', 'feed-b'] } }],
      },
    });
    expect(hit.misp).toBeUndefined();
  });

  it('carries the MISP uuids, TLP and confidence when the store knows them', () => {
    const hit = buildThreatHit({ ...live, match: { ...match, eventUuid: 'e-1', attributeUuid: 'a-1', tlp: 'AMBER', confidence: 'High' } });
    expect(hit.misp).toEqual({ event_uuid: 'e-1', attribute_uuid: 'a-1' });
    expect(hit.threat.enrichments[0].matched.id).toBe('a-1');
    expect(hit.threat.enrichments[0].indicator).toEqual({ type: 'domain-name', provider: 'misp', name: 'evil.com', marking: { tlp: 'AMBER' }, confidence: 'High' });
  });

  it('falls back to the hit time when the event has no readable @timestamp', () => {
    expect(buildThreatHit({ ...live, eventTimestamp: 'yesterday' })['@timestamp']).toBe('2026-12-03T07:00:00.000Z');
    expect(buildThreatHit({ ...live, eventTimestamp: undefined })['@timestamp']).toBe('2026-12-03T07:00:00.000Z');
    expect(buildThreatHit({ ...live, eventTimestamp: Date.UTC(2026, 0, 1) })['@timestamp']).toBe('2026-01-01T00:00:00.000Z');
  });

  it('is pure: the same input gives the same record', () => {
    expect(JSON.stringify(buildThreatHit(live))).toBe(JSON.stringify(buildThreatHit({ ...live, origin: { ...origin } })));
  });
});

describe('threatHitKey', () => {
  const retro: RetrospectiveHitInput = { mode: 'retrospective', document: { index: 'iocflow-logs-2026.12.01', id: 'x' }, eventTimestamp: undefined, match, atMs: 0 };

  it('is 64 hex digits, the same on a replay whatever the hit time', () => {
    expect(threatHitKey(live)).toMatch(/^[0-9a-f]{64}$/);
    expect(buildThreatHit({ ...live, atMs: live.atMs + 60_000 }).iocflow.hit.id).toBe(threatHitKey(live));
  });

  it('tells apart the events, fields and indicators of different hits', () => {
    const keys = new Set([
      threatHitKey(live),
      threatHitKey({ ...live, origin: { ...origin, offset: '9007199254740994' } }),
      threatHitKey({ ...live, origin: { ...origin, partition: 3 } }),
      threatHitKey({ ...live, match: { ...match, field: 'source.domain' } }),
      threatHitKey({ ...live, match: { ...match, indicator: 'a.evil.com' } }),
      threatHitKey(retro),
      threatHitKey({ ...retro, document: { index: 'iocflow-logs-2026.12.02', id: 'x' } }),
    ]);
    expect(keys.size).toBe(7);
  });

  it('does not depend on feeds or MISP uuids (they change as MISP changes; the fact does not)', () => {
    expect(threatHitKey({ ...live, match: { ...match, feeds: ['other'], attributeUuid: 'a-2' } })).toBe(threatHitKey(live));
  });
});

describe('liveHitDocument', () => {
  it('names the daily index of the event day and the origin id, as the indexer does', () => {
    expect(liveHitDocument({ kind: 'daily', prefix: 'iocflow-logs' }, origin, '2026-12-03T23:59:59Z')).toEqual({ index: 'iocflow-logs-2026.12.03', id: 'raw-logs-2-9007199254740993' });
  });

  it('names the data stream when the event has a readable @timestamp', () => {
    expect(liveHitDocument({ kind: 'data-stream', name: 'logs-iocflow-default' }, origin, 1_764_000_000_000)).toEqual({ index: 'logs-iocflow-default', id: 'raw-logs-2-9007199254740993' });
  });

  it('leaves the index out without a readable @timestamp', () => {
    expect(liveHitDocument({ kind: 'daily', prefix: 'iocflow-logs' }, origin, 'soon')).toEqual({ id: 'raw-logs-2-9007199254740993' });
    expect(liveHitDocument({ kind: 'data-stream', name: 'logs-iocflow-default' }, origin, undefined)).toEqual({ id: 'raw-logs-2-9007199254740993' });
  });

  it('uses the event id field when the indexer is configured with one', () => {
    expect(liveHitDocument({ kind: 'daily', prefix: 'p' }, origin, undefined, 'abc')).toEqual({ id: 'abc' });
  });
});

describe('threatIndicatorType', () => {
  it.each([
    ['domain', 'evil.com', 'domain-name'],
    ['ip', '10.0.0.0/8', 'ipv4-addr'],
    ['ip', '2001:db8::1', 'ipv6-addr'],
    ['url', 'http://x/', 'url'],
    ['uri', '/x', 'url'],
    ['email', 'a@b.c', 'email-addr'],
    ['sha256', 'ab', 'file'],
  ] as const)('%s %s → %s', (kind, value, type) => {
    expect(threatIndicatorType(kind, value)).toBe(type);
  });
});
