import { readFixtureJson } from '../../../test/test-fixtures';
import { parseFeedManifest, UNKNOWN_TIMESTAMP } from './parse-feed-manifest';

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
    expect(result).toEqual({ ok: true, manifest: new Map([['aaaaaaaa-1111-4111-8111-111111111111', { timestamp: 5, info: '' }]]), ignored: [] });
  });

  it('reads an empty manifest as a feed without events', () => {
    expect(parseFeedManifest({})).toEqual({ ok: true, manifest: new Map(), ignored: [] });
  });

  it.each([
    ['not an object', []],
    ['null', null],
  ])('refuses a manifest that is %s', (_name, json) => {
    expect(parseFeedManifest(json)).toEqual({ ok: false, reason: 'manifest is not a JSON object' });
  });

  // Issue 11: one bad entry refused the whole manifest, so every poll of the feed failed for good.
  it('ignores a key that is not a uuid (it names no event file) and keeps the other events', () => {
    const result = parseFeedManifest({ 'hashes.csv': { timestamp: '1' }, '5ecea68b-9bc0-493b-9c23-7555c0a80102': { timestamp: '7', info: 'e' } });
    expect(result).toEqual({
      ok: true,
      manifest: new Map([['5ecea68b-9bc0-493b-9c23-7555c0a80102', { timestamp: 7, info: 'e' }]]),
      ignored: [{ key: 'hashes.csv', reason: 'the key is not an event uuid' }],
    });
  });

  it.each([
    ['an entry that is not an object', 'x'],
    ['no timestamp', { info: 'x' }],
    ['a non-numeric timestamp', { timestamp: '2020-01-01' }],
    ['a timestamp beyond any date', { timestamp: '99999999999999999999' }],
  ])('keeps an event whose entry has %s, with an unknown timestamp (its file is read on every poll)', (_name, entry) => {
    const result = parseFeedManifest({ '5ecea68b-9bc0-493b-9c23-7555c0a80102': entry });
    expect(result.ok && result.manifest.get('5ecea68b-9bc0-493b-9c23-7555c0a80102')?.timestamp).toBe(UNKNOWN_TIMESTAMP);
  });
});
