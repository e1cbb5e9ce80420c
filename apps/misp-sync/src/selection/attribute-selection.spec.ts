import type { MispAttribute } from '@iocflow/core';
import { attribute, fixtureAttributes } from '../../test/test-fixtures';
import { AttributeSelection, type SelectionOptions } from './attribute-selection';

const DEFAULTS: SelectionOptions = { publishedOnly: true, includeTags: [], excludeTags: [], orgs: [], maxTlp: 'amber+strict', distributions: [0, 1, 2, 3, 4], excludeDecayed: false };
const select = (options: Partial<SelectionOptions>, value: MispAttribute) => new AttributeSelection({ ...DEFAULTS, ...options }).deselect(value);
const tagged = (...names: string[]) => names.map((name) => ({ name, inherited: false }));
const event = { id: '10', uuid: '22222222-2222-4222-8222-222222222222', info: 'e' };

describe('AttributeSelection.deselect', () => {
  it('judges a recorded reply: its event stubs say published: false, so only published-only off takes them', () => {
    const recorded = fixtureAttributes('demisto-content/Packs/MISP/Integrations/MISPV3/test_data/reputation_command_response.json');
    expect(recorded.map((value) => value.event?.published)).toEqual([false, false, false]);
    expect(recorded.map((value) => select({}, value))).toEqual(['unpublished', 'unpublished', 'unpublished']);
    expect(recorded.map((value) => select({ publishedOnly: false }, value))).toEqual([undefined, undefined, undefined]);
  });

  it.each<[string, Partial<SelectionOptions>, Partial<MispAttribute>, string | undefined]>([
    ['an unpublished event', {}, { event: { ...event, published: false } }, 'unpublished'],
    ['an unpublished event, published-only off', { publishedOnly: false }, { event: { ...event, published: false } }, undefined],
    ['a stub without the flag', {}, { event }, undefined],
    ['no included tag', { includeTags: ['Feed-*'] }, { tags: tagged('tlp:green') }, 'tag_not_included'],
    ['an included event tag', { includeTags: ['Feed-*', 'osint:*'] }, { tags: [{ name: 'Feed-Abuse', inherited: true }] }, undefined],
    ['an excluded tag', { excludeTags: ['false-positive:*'] }, { tags: tagged('Feed-A', 'false-positive:risk="high"') }, 'tag_excluded'],
    ['TLP:RED above amber+strict', {}, { tags: tagged('Feed-A', 'TLP:RED') }, 'tlp'],
    ['tlp:amber+strict', {}, { tags: tagged('tlp:amber+strict') }, undefined],
    ['tlp:amber above green', { maxTlp: 'green' }, { tags: tagged('tlp:white', 'tlp:amber') }, 'tlp'],
    ['tlp:red allowed', { maxTlp: 'red' }, { tags: tagged('tlp:red') }, undefined],
    ['another organisation', { orgs: ['1', '7'] }, { event: { ...event, orgcId: '2' } }, 'org'],
    ['an allowed organisation', { orgs: ['1', '7'] }, { event: { ...event, orgcId: '7' } }, undefined],
    ['org names (checked by MISP only)', { orgs: ['CIRCL'] }, { event: { ...event, orgcId: '2' } }, undefined],
    ['organisation-only distribution', { distributions: [1, 2, 3] }, { distribution: '0' }, 'distribution'],
    ['inherited distribution', { distributions: [3] }, { distribution: '5', event: { ...event, distribution: '1' } }, 'distribution'],
    ['inherited, unknown event distribution', { distributions: [3] }, { distribution: '5' }, undefined],
    ['decayed by every model', { excludeDecayed: true }, { decayScores: [{ score: 10, decayed: true }] }, 'decayed'],
    ['decayed by one model of two', { excludeDecayed: true }, { decayScores: [{ score: 10, decayed: true }, { score: 80, decayed: false }] }, undefined],
    ['below the score threshold', { decayScoreThreshold: 50 }, { decayScores: [{ score: 49.9, decayed: false }] }, 'decayed'],
    ['at the score threshold', { decayScoreThreshold: 50 }, { decayScores: [{ score: 50, decayed: false }] }, undefined],
    ['no scores sent', { excludeDecayed: true, decayScoreThreshold: 50 }, {}, undefined],
  ])('%s', (_name, options, overrides, reason) => {
    expect(select(options, attribute(overrides))).toBe(reason);
  });
});

describe('AttributeSelection.searchFilter', () => {
  it('sends only published events and the TLP levels above the highest as negated tags by default', () => {
    expect(new AttributeSelection(DEFAULTS).searchFilter()).toEqual({ published: true, tags: ['!tlp:red'] });
  });

  it('translates globs to MISP wildcards, negates exclusions, passes orgs and the decay options', () => {
    const filter = new AttributeSelection({ ...DEFAULTS, publishedOnly: false, includeTags: ['Feed-*'], excludeTags: ['osint:*', 'odd_name'], orgs: ['CIRCL'], maxTlp: 'red', excludeDecayed: true, decayScoreThreshold: 30 }).searchFilter();
    expect(filter).toEqual({ tags: ['Feed-%', '!osint:%'], org: ['CIRCL'], excludeDecayed: true, score: '30' });
  });

  it('leaves includes MISP would read otherwise to the local guard, all of them (MISP ORs them)', () => {
    expect(new AttributeSelection({ ...DEFAULTS, includeTags: ['Feed-*', '100%'] }).searchFilter().tags).toEqual(['!tlp:red']);
  });
});
