import { readFixtureJson } from '../test-fixtures';
import { parseFeedManifest } from './parse-feed-manifest';

describe('parseFeedManifest', () => {
  it('reads the DigitalSide feed manifest (event uuid → timestamp, info)', () => {
    const result = parseFeedManifest(readFixtureJson('digitalside-misp-feed/digitalside-misp-feed/manifest.json'));
    if (!result.ok) throw new Error(result.reason);
    expect([...result.manifest]).toEqual([
      ['5ecea68b-9bc0-493b-9c23-7555c0a80102', { timestamp: 1599541517, info: 'DigitalSide Malware report: MD5: 1cd71d3bb891df0b251249da0cdcf7e1' }],
    ]);
  });

  it('accepts numeric timestamps and lower-cases uuids', () => {
    const result = parseFeedManifest({ 'AAAAAAAA-1111-4111-8111-111111111111': { timestamp: 5 } });
    expect(result).toEqual({ ok: true, manifest: new Map([['aaaaaaaa-1111-4111-8111-111111111111', { timestamp: 5, info: '' }]]) });
  });

  it('reads an empty manifest as a feed without events', () => {
    expect(parseFeedManifest({})).toEqual({ ok: true, manifest: new Map() });
  });

  it.each([
    ['not an object', [], 'manifest is not a JSON object'],
    ['null', null, 'manifest is not a JSON object'],
    ['a key that is not a uuid', { 'hashes.csv': { timestamp: '1' } }, 'is not an event uuid'],
    ['an entry that is not an object', { '5ecea68b-9bc0-493b-9c23-7555c0a80102': 'x' }, 'is not an object'],
    ['no timestamp', { '5ecea68b-9bc0-493b-9c23-7555c0a80102': { info: 'x' } }, 'has no numeric timestamp'],
    ['a non-numeric timestamp', { '5ecea68b-9bc0-493b-9c23-7555c0a80102': { timestamp: '2020-01-01' } }, 'has no numeric timestamp'],
  ])('refuses %s', (_name, json, reason) => {
    const result = parseFeedManifest(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
