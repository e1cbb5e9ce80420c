import { decayScoreOf, STANDIN_DECAYING_MODEL } from './decay-model';
import { MispStandin } from './misp-standin';
import { parseRestSearchFilter, tagPattern } from './rest-search-filter';

const NOW = 1_800_000_000;
const DAY = 86_400;

/** The restSearch filters misp-sync's selection sends (issue 15), over the default PyMISP fixtures. */
describe('selection filters of the stand-in', () => {
  const eventsOf = (standin: MispStandin, body: Record<string, unknown>): string[] => {
    const parsed = parseRestSearchFilter({ returnFormat: 'json', ...body }, NOW);
    if (!parsed.ok) throw new Error(parsed.message);
    const infos = new Set(standin.model.search.search(parsed.filter).attributes.map((attribute) => standin.model.event(attribute.eventId)?.info ?? ''));
    return [...infos].sort();
  };

  it('published: the fixtures’ own flags when asked for, every event published otherwise', () => {
    const recorded = new MispStandin({ warninglists: false, now: () => NOW, recordedPublishedFlags: true });
    const unpublished = eventsOf(recorded, { published: false });
    expect(unpublished).toEqual([expect.stringContaining('FALLCHILL'), expect.stringContaining('Qakbot'), expect.stringContaining('Sednit')]);
    expect(eventsOf(recorded, { published: true })).toHaveLength(4);
    const defaults = new MispStandin({ warninglists: false, now: () => NOW });
    expect(eventsOf(defaults, { published: true })).toHaveLength(7);
  });

  it('tags: % wildcards over attribute and event tags, ! excludes', () => {
    const standin = new MispStandin({ warninglists: false, now: () => NOW });
    const [first, second] = [...standin.model.events.values()];
    standin.setEventTags(first!.id, ['Feed-Alpha', 'tlp:red']);
    standin.setEventTags(second!.id, ['Feed-Beta']);
    expect(eventsOf(standin, { tags: ['Feed-%'] })).toEqual([first!.info, second!.info].sort());
    expect(eventsOf(standin, { tags: ['feed-%', '!tlp:red'] })).toEqual([second!.info]);
    expect(eventsOf(standin, { tags: ['!tlp:red'] })).not.toContain(first!.info);
  });

  it('org: the creator organisation by id or name', () => {
    const standin = new MispStandin({ warninglists: false, now: () => NOW });
    const event = [...standin.model.events.values()][0]!;
    expect(eventsOf(standin, { org: [event.orgcName] })).toContain(event.info);
    expect(eventsOf(standin, { org: String(event.orgcId) })).toContain(event.info);
    expect(eventsOf(standin, { org: 'no such org' })).toEqual([]);
  });

  it('excludeDecayed: the recorded 2016–2017 attributes are decayed, a fresh one is not', () => {
    const standin = new MispStandin({ warninglists: false, now: () => NOW });
    const event = [...standin.model.events.values()][0]!;
    const fresh = standin.addAttribute(event.id, { type: 'domain', value: 'fresh.example' });
    const parsed = parseRestSearchFilter({ returnFormat: 'json', excludeDecayed: true }, NOW);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(standin.model.search.search(parsed.filter).attributes.map((attribute) => attribute.uuid)).toEqual([fresh.uuid]);
  });

  it('tagPattern reads % as any run and everything else literally, case-insensitively', () => {
    expect(tagPattern('Feed-%').test('feed-x')).toBe(true);
    expect(tagPattern('Feed-%').test('xfeed-x')).toBe(false);
    expect(tagPattern('%osint%').test('Feed-OSINT-x')).toBe(true);
    expect(tagPattern('a%b%c').test('aXbYc')).toBe(true);
    expect(tagPattern('a%b%c').test('abc')).toBe(true);
    expect(tagPattern('ab%bc').test('abc')).toBe(false);
    expect(tagPattern('a%b%c').test('acb')).toBe(false);
    expect(tagPattern('%').test('')).toBe(true);
    expect(tagPattern('a.b').test('axb')).toBe(false);
    expect(tagPattern('tlp:amber+strict').test('TLP:AMBER+STRICT')).toBe(true);
  });
});

describe('decayScoreOf (MISP’s polynomial formula, the stand-in’s model)', () => {
  it.each([
    [0, 80, false],
    [5 * DAY, 80 * (1 - (1 / 6) ** (1 / STANDIN_DECAYING_MODEL.decaySpeed)), false],
    [15 * DAY, 80 * (1 - 0.5 ** (1 / STANDIN_DECAYING_MODEL.decaySpeed)), true],
    [30 * DAY, 0, true],
    [3000 * DAY, 0, true],
  ])('after %i s: score %d', (age, score, decayed) => {
    const result = decayScoreOf({ timestamp: NOW - age }, NOW);
    expect(result.score).toBeCloseTo(score, 1);
    expect(result.decayed).toBe(decayed);
    expect(result.DecayingModel).toEqual({ id: '1', name: STANDIN_DECAYING_MODEL.name });
  });

  it('takes the threshold of restSearch `score`', () => {
    expect(decayScoreOf({ timestamp: NOW - 15 * DAY }, NOW, 20).decayed).toBe(false);
    expect(decayScoreOf({ timestamp: NOW - 15 * DAY }, NOW, 30).decayed).toBe(true);
  });
});
