import { readFixtureJson } from '../test-fixtures';
import { parseFeedManifest } from './parse-feed-manifest';

describe('parseFeedManifest', () => {
  it('reads a MISP feed manifest (event uuid → timestamp, info): the feed derived from PyMISP events', () => {
    const result = parseFeedManifest(readFixtureJson('derived/misp-feed/manifest.json'));
    if (!result.ok) throw new Error(result.reason);
    expect([...result.manifest]).toEqual([
      ['57c4445b-c548-4654-af0b-4be3950d210f', { timestamp: 1472541011, info: 'Ransomware - Xorist' }],
      ['56e12e66-f01c-41be-afea-4d9a950d210f', { timestamp: 1457605235, info: 'Cerber Ransomware' }],
      ['5a0ac036-6fbc-4855-83af-422b950d210f', { timestamp: 1511184352, info: 'OSINT - Mitigating and eliminating info-stealing Qakbot and Emotet in corporate networks' }],
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
