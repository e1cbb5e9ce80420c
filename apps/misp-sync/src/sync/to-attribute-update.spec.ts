import { attribute, fixtureAttributes } from '../../test/test-fixtures';
import { decayScoreOf, toAttributeUpdate } from './to-attribute-update';

const RULES = { feedTagPattern: 'Feed-*', defaultFeed: 'misp' };

describe('toAttributeUpdate', () => {
  it('keys a domain as domain-<value> with the feed from an inherited event tag', () => {
    const update = toAttributeUpdate(attribute({ value: 'SecurityDistractions.COM.' }), RULES);
    expect(update.entries.map((entry) => [entry.key, entry.contribution.feeds])).toEqual([['domain-securitydistractions.com', ['Feed-RansomwareTracker']]]);
    expect(update.entries[0]?.contribution).toMatchObject({ mispType: 'domain', eventInfo: 'Test event', toIds: true, timestamp: 1_700_000_000 });
  });

  it.each([
    ['soft-deleted', { deleted: true }],
    ['to_ids off', { toIds: false }],
    ['unsupported type', { type: 'link', value: 'https://report.example/x' }],
    ['invalid value', { type: 'ip-dst', value: 'not-an-ip' }],
  ])('contributes nothing when %s (a removal of what it contributed)', (_name, overrides) => {
    expect(toAttributeUpdate(attribute(overrides), RULES).entries).toEqual([]);
  });

  it('splits domain|ip into a domain and an ip key sharing one contribution', () => {
    const update = toAttributeUpdate(attribute({ type: 'domain|ip', value: 'evil.example|10.0.0.1' }), RULES);
    expect(update.entries.map((entry) => entry.key)).toEqual(['domain-evil.example', 'ip-10.0.0.1']);
  });

  it('uses the default feed when no tag matches, and records the source', () => {
    const update = toAttributeUpdate(attribute({ tags: [{ name: 'tlp:white', inherited: false }] }), { ...RULES, defaultFeed: 'Feed-Local', source: 'feed:x' });
    expect(update.entries[0]?.contribution).toMatchObject({ feeds: ['Feed-Local'], source: 'feed:x', tags: ['tlp:white'] });
  });

  it('maps a recorded restSearch result (3 events, same md5, to_ids mixed)', () => {
    const updates = fixtureAttributes('demisto-content/Packs/MISP/Integrations/MISPV3/test_data/reputation_command_response.json').map((item) =>
      toAttributeUpdate(item, RULES),
    );
    expect(updates).toHaveLength(3);
    for (const update of updates) for (const entry of update.entries) expect(entry.key).toBe('md5-6c73d338ec64e0e44bd54ea61b6988b2');
    expect(updates.some((update) => update.entries.length > 0)).toBe(true);
  });

  it('names the fixed feed whatever the tags say (FEED_NAME of a directly read feed)', () => {
    const update = toAttributeUpdate(attribute(), { ...RULES, fixedFeed: 'Feed-DigitalSide', source: 'feed:Feed-DigitalSide' });
    expect(update.entries[0]?.contribution.feeds).toEqual(['Feed-DigitalSide']);
  });

  it('carries the event threat level and the decay score when MISP sent them', () => {
    const base = attribute();
    const update = toAttributeUpdate(
      attribute({ event: { id: '10', uuid: '22222222-2222-4222-8222-222222222222', info: 'Test event', threatLevelId: '2' }, decayScores: [{ score: 12.5, decayed: false }] }),
      RULES,
    );
    expect(update.entries[0]?.contribution).toMatchObject({ threatLevel: 'Medium', decayScore: 12.5 });
    expect(toAttributeUpdate(base, RULES).entries[0]?.contribution).not.toHaveProperty('threatLevel');
    expect(toAttributeUpdate(base, RULES).entries[0]?.contribution).not.toHaveProperty('decayScore');
  });

  // Issue 15: the ECS marking comes from the attribute's and its event's tlp tags, the most restrictive.
  it('records the TLP marking of the attribute and its event, the most restrictive, even past the tag limit', () => {
    const tagged = (names: string[]): ReturnType<typeof attribute> => attribute({ tags: names.map((name, i) => ({ name, inherited: i % 2 === 0 })) });
    expect(toAttributeUpdate(tagged(['Feed-A', 'tlp:green']), RULES).entries[0]?.contribution.tlp).toBe('GREEN');
    expect(toAttributeUpdate(tagged(['tlp:green', 'TLP:RED']), RULES).entries[0]?.contribution.tlp).toBe('RED');
    expect(toAttributeUpdate(tagged(['Feed-A']), RULES).entries[0]?.contribution).not.toHaveProperty('tlp');
    const many = [...Array.from({ length: 100 }, (_, i) => `Feed-${String(i).padStart(3, '0')}`), 'tlp:amber+strict'];
    const contribution = toAttributeUpdate(tagged(many), RULES).entries[0]?.contribution;
    expect(contribution?.tags).not.toContain('tlp:amber+strict');
    expect(contribution?.tlp).toBe('AMBER+STRICT');
  });

  it.each([
    [undefined, undefined],
    [[], undefined],
    [[{ score: 10, decayed: true }, { score: 30, decayed: false }, { score: 20, decayed: false }], 30],
    [[{ score: 10, decayed: true }, { score: 5, decayed: true }], 10],
  ])('decayScoreOf(%j) = %s', (scores, expected) => {
    expect(decayScoreOf(scores)).toBe(expected);
  });

  // Issue 11: what one attribute carries is bounded whatever MISP or a feed sent.
  it('cuts a long event info, ignores tag names longer than MISP allows, keeps at most 64 tags and 64 feeds, and says which limits applied', () => {
    const tags = [...Array.from({ length: 100 }, (_, i) => ({ name: `Feed-${String(i).padStart(3, '0')}`, inherited: true })), { name: `Feed-${'x'.repeat(300)}`, inherited: true }];
    const update = toAttributeUpdate(attribute({ tags, event: { id: '10', uuid: '22222222-2222-4222-8222-222222222222', info: 'i'.repeat(70_000) } }), RULES);
    const contribution = update.entries[0]?.contribution;
    expect(contribution?.eventInfo).toBe(`${'i'.repeat(1023)}…`);
    expect(contribution?.feeds).toHaveLength(64);
    expect(contribution?.feeds[0]).toBe('Feed-000');
    expect(contribution?.tags).toHaveLength(64);
    expect(contribution?.feeds.some((feed) => feed.length > 255)).toBe(false);
    expect(update.limits).toEqual(['tag_length', 'feeds', 'tags', 'event_info']);
    expect(toAttributeUpdate(attribute(), RULES).limits).toBeUndefined();
  });
});
