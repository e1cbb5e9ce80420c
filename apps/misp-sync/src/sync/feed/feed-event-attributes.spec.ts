import { readFixtureJson } from '../test-fixtures';
import { toAttributeUpdate } from '../to-attribute-update';
import { feedAttributeUuid } from './feed-attribute-uuid';
import { feedEventAttributes } from './feed-event-attributes';

const EVENT_UUID = '5ecea68b-9bc0-493b-9c23-7555c0a80102';
const SOURCE = 'feed:Feed-DigitalSide';
const digitalSide = readFixtureJson(`digitalside-misp-feed/digitalside-misp-feed/${EVENT_UUID}.json`);

function parse(json: unknown) {
  const result = feedEventAttributes(json, SOURCE);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('feedEventAttributes', () => {
  it('reads every attribute of the DigitalSide feed event, object attributes included', () => {
    const result = parse(digitalSide);
    expect(result.eventUuid).toBe(EVENT_UUID);
    expect(result.invalid).toEqual([]);
    // 37 top-level attributes + 3 in the virustotal-report object.
    expect(result.attributes).toHaveLength(40);
    expect(result.attributes.filter((attribute) => attribute.objectRelation !== null).map((attribute) => attribute.type)).toEqual(['link', 'datetime', 'text']);
  });

  it('gives each attribute a per-source uuid, the event stub and the event tags as inherited tags', () => {
    const md5 = parse(digitalSide).attributes.find((attribute) => attribute.type === 'md5');
    expect(md5).toMatchObject({
      uuid: feedAttributeUuid(SOURCE, '5ecea68b-1c40-4db7-ba14-7555c0a80102'),
      value: '1cd71d3bb891df0b251249da0cdcf7e1',
      toIds: true,
      timestamp: 1590601355,
      event: { id: '0', uuid: EVENT_UUID, info: 'DigitalSide Malware report: MD5: 1cd71d3bb891df0b251249da0cdcf7e1', threatLevelId: '2' },
    });
    expect(md5?.tags).toEqual([
      { name: 'tlp:white', inherited: true },
      { name: 'type:OSINT', inherited: true },
      { name: 'source:DigitalSide.IT', inherited: true },
      { name: 'source:urlhaus.abuse.ch', inherited: true },
    ]);
  });

  it('maps through toAttributeUpdate to the feed\'s url, ip and hash keys with the configured feed name', () => {
    const updates = parse(digitalSide).attributes.map((attribute) => toAttributeUpdate(attribute, { feedTagPattern: 'Feed-*', defaultFeed: 'misp', fixedFeed: 'Feed-DigitalSide', source: SOURCE }));
    const keys = new Set(updates.flatMap((update) => update.entries.map((entry) => entry.key)));
    expect([...keys].filter((key) => key.startsWith('url-'))).toHaveLength(16);
    expect([...keys].filter((key) => key.startsWith('ip-'))).toHaveLength(16);
    expect(keys.has('md5-1cd71d3bb891df0b251249da0cdcf7e1')).toBe(true);
    expect(keys.has('ip-98.159.99.222')).toBe(true);
    expect(keys.has('url-http://98.159.99.222/3306')).toBe(true);
    const contribution = updates.find((update) => update.entries.length > 0)?.entries[0]?.contribution;
    expect(contribution).toMatchObject({ source: SOURCE, feeds: ['Feed-DigitalSide'], eventUuid: EVENT_UUID, threatLevel: 'Medium' });
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
