import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildModel, DEFAULT_EVENT_FIXTURES, defaultFixturesRoot, extractEvents, readEventFixtures, withEventTags } from './fixture-events';
import { compareAttributes } from './stored-types';

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(defaultFixturesRoot(), file), 'utf8'));

describe('extractEvents', () => {
  it('accepts {"Event": …}, bare events and the {"response": […]} events-search envelope', () => {
    expect(extractEvents(readJson('pymisp/tests/reportlab_testfiles/HTML_event.json'))).toHaveLength(1);
    expect(extractEvents(readJson('pymisp/tests/mispevent_testfiles/existing_event.json'))).toHaveLength(1);
    const search = extractEvents(readJson('pymisp/tests/mispevent_testfiles/malware_exist.json'));
    expect(search).toHaveLength(1);
    expect(search[0]).toHaveProperty('Object');
  });

  it('ignores documents that hold no event', () => {
    expect(extractEvents(readJson('pymisp/tests/sharing_groups.json'))).toEqual([]);
  });
});

describe('buildModel over the default fixtures', () => {
  const model = buildModel(readEventFixtures(DEFAULT_EVENT_FIXTURES));

  it('loads every event once', () => {
    expect(model.events.map((event) => event.info)).toHaveLength(DEFAULT_EVENT_FIXTURES.length);
  });

  it('counts attributes inside objects (existing_event: 9 top-level + object attributes)', () => {
    const sednit = model.events.find((event) => event.id === 9747)!;
    const own = model.attributes.filter((attribute) => attribute.eventId === sednit.id);
    expect(own.filter((attribute) => attribute.objectId === 0)).toHaveLength(9);
    expect(own.filter((attribute) => attribute.objectId !== 0).length).toBeGreaterThan(49);
    expect(own.filter((attribute) => attribute.type === 'domain')).toHaveLength(19);
  });

  it('keeps recorded ids, assigns unique ids to the rest, and sorts by (timestamp, id)', () => {
    const ids = model.attributes.map((attribute) => attribute.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(model.attributes.some((attribute) => attribute.id === 1188757)).toBe(true);
    const sorted = [...model.attributes].sort(compareAttributes);
    expect(model.attributes).toEqual(sorted);
  });

  it('is the same on every build', () => {
    const again = buildModel(readEventFixtures(DEFAULT_EVENT_FIXTURES));
    expect(again.attributes.map((attribute) => [attribute.id, attribute.uuid])).toEqual(model.attributes.map((attribute) => [attribute.id, attribute.uuid]));
  });

  it('skips a second copy of an event', () => {
    const twice = buildModel(readEventFixtures(['pymisp/tests/reportlab_testfiles/sighting_1.json', 'pymisp/tests/reportlab_testfiles/sighting_1.json']));
    expect(twice.events).toHaveLength(1);
  });
});

describe('withEventTags', () => {
  const [ursnif] = readEventFixtures(['pymisp/tests/reportlab_testfiles/sighting_1.json']);

  it("adds feed tags after an event's own, once, and leaves other events alone", () => {
    const other = { uuid: '11111111-1111-4111-8111-111111111111', info: 'other' };
    const [tagged, untouched] = withEventTags([ursnif!, other], { '5B646415-7B48-40D5-86B4-C0070ACD0835': ['Feed-Pastebin', 'misp-galaxy:banker="Gozi"'] });
    expect((tagged!['Tag'] as { name: string }[]).map((tag) => tag.name)).toEqual(['PasteBin: MALWAREMESSIAGH', 'misp-galaxy:banker="Gozi"', 'Feed-Pastebin']);
    expect(untouched).toBe(other);
    expect(buildModel([tagged!]).events[0]!.tags.map((tag) => tag.name)).toContain('Feed-Pastebin');
  });

  it('refuses tags for an event that is not loaded', () => {
    expect(() => withEventTags([ursnif!], { '22222222-2222-4222-8222-222222222222': ['Feed-X'] })).toThrow(/not loaded: 22222222/);
  });
});
