import { readFixtureJson } from '../../../test/test-fixtures';
import { toAttributeUpdate } from '../to-attribute-update';
import { feedAttributeUuid } from './feed-attribute-uuid';
import { feedEventAttributes } from './feed-event-attributes';

const EVENT_UUID = '5a0ac036-6fbc-4855-83af-422b950d210f';
const SOURCE = 'feed:Feed-OSINT';
// A MISP feed event file built from PyMISP's Qakbot/Emotet event (test/fixtures/SOURCES.md, "Derived").
const qakbot = readFixtureJson(`derived/misp-feed/${EVENT_UUID}.json`);
const xorist = readFixtureJson('derived/misp-feed/57c4445b-c548-4654-af0b-4be3950d210f.json');

function parse(json: unknown) {
  const result = feedEventAttributes(json, SOURCE);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('feedEventAttributes', () => {
  it('reads every attribute of a feed event, object attributes included', () => {
    const result = parse(qakbot);
    expect(result.eventUuid).toBe(EVENT_UUID);
    expect(result.invalid).toEqual([]);
    // 48 top-level attributes + 24 ip-port objects of 2 (a port and an ip-dst).
    expect(result.attributes).toHaveLength(96);
    const inObjects = result.attributes.filter((attribute) => attribute.objectRelation !== null);
    expect(inObjects).toHaveLength(48);
    expect(new Set(inObjects.map((attribute) => `${attribute.objectRelation}:${attribute.type}`))).toEqual(new Set(['dst-port:port', 'ip:ip-dst']));
  });

  it('gives each attribute a per-source uuid, the event stub and the event tags as inherited tags', () => {
    const md5 = parse(xorist).attributes.find((attribute) => attribute.type === 'md5');
    expect(md5).toMatchObject({
      uuid: feedAttributeUuid(SOURCE, '57c4448b-454c-4d17-90d1-4d2f950d210f'),
      value: '0749bae92ca336a02c83d126e04ec628',
      toIds: true,
      timestamp: 1472480395,
      event: { id: '0', uuid: '57c4445b-c548-4654-af0b-4be3950d210f', info: 'Ransomware - Xorist', threatLevelId: '3' },
    });
    expect(md5?.tags).toEqual([
      { name: 'tlp:white', inherited: true },
      { name: 'circl:incident-classification="malware"', inherited: true },
      { name: 'ms-caro-malware:malware-type="Ransom"', inherited: true },
      { name: 'malware_classification:malware-category="Ransomware"', inherited: true },
    ]);
  });

  it("maps through toAttributeUpdate to the feed's ip and hash keys with the configured feed name", () => {
    const updates = parse(qakbot).attributes.map((attribute) => toAttributeUpdate(attribute, { feedTagPattern: 'Feed-*', defaultFeed: 'misp', fixedFeed: 'Feed-OSINT', source: SOURCE }));
    const keys = new Set(updates.flatMap((update) => update.entries.map((entry) => entry.key)));
    // 19 top-level ip-dst + 24 in objects; 5 each of md5, sha1, sha256 (to_ids); links, filenames, regkeys and ports are no indicators.
    expect([...keys].filter((key) => key.startsWith('ip-'))).toHaveLength(43);
    expect([...keys].filter((key) => /^(md5|sha1|sha256)-/.test(key))).toHaveLength(15);
    expect(keys.size).toBe(58);
    expect(keys.has('ip-64.183.173.170')).toBe(true);
    expect(keys.has('md5-5aa9fa89cee3ffc4c3009e34db830de0')).toBe(true);
    const contribution = updates.find((update) => update.entries.length > 0)?.entries[0]?.contribution;
    expect(contribution).toMatchObject({ source: SOURCE, feeds: ['Feed-OSINT'], eventUuid: EVENT_UUID, threatLevel: 'Low' });
  });

  it('takes the feed from Feed-* tags when no name is fixed', () => {
    const tagged = { Event: { uuid: EVENT_UUID, info: 'x', timestamp: '5', Tag: [{ name: 'Feed-Tagged' }], Attribute: [{ uuid: '11111111-1111-4111-8111-111111111111', type: 'domain', value: 'evil.example', to_ids: true }] } };
    const [attribute] = parse(tagged).attributes;
    expect(attribute?.timestamp).toBe(5);
    expect(attribute && toAttributeUpdate(attribute, { feedTagPattern: 'Feed-*', defaultFeed: 'misp', source: SOURCE }).entries[0]?.contribution.feeds).toEqual(['Feed-Tagged']);
  });

  it('reads a bare event, marks the attributes of a deleted object deleted, and skips unusable attributes', () => {
    const result = parse({
      uuid: EVENT_UUID,
      timestamp: '10',
      Attribute: [{ type: 'domain', value: 'no-uuid.example' }, 'x'],
      Object: [{ deleted: true, Attribute: [{ uuid: '22222222-2222-4222-8222-222222222222', type: 'domain', value: 'gone.example', to_ids: true, timestamp: '9' }] }],
    });
    expect(result.invalid.map((entry) => entry.reason)).toEqual(['uuid is missing or not a uuid', 'attribute is not an object']);
    expect(result.attributes).toEqual([expect.objectContaining({ value: 'gone.example', deleted: true, timestamp: 9 })]);
  });

  it.each([
    ['not an object', 'x', 'not a JSON object'],
    ['no event uuid', { Event: { info: 'x' } }, 'Event.uuid'],
  ])('refuses an event file that is %s', (_name, json, reason) => {
    const result = feedEventAttributes(json, SOURCE);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
