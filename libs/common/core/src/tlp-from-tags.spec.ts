import { tlpFromTags } from './tlp-from-tags';

describe('tlpFromTags', () => {
  it.each([
    [['tlp:white'], 'WHITE'],
    [['tlp:clear'], 'CLEAR'],
    [['tlp:green'], 'GREEN'],
    [['TLP:Amber'], 'AMBER'],
    [['tlp:amber+strict'], 'AMBER+STRICT'],
    [[' tlp:red '], 'RED'],
    [['Feed-A', 'tlp:green', 'tlp:red', 'type:OSINT'], 'RED'],
    [['tlp:amber+strict', 'tlp:amber'], 'AMBER+STRICT'],
    [['tlp:white', 'tlp:clear'], 'WHITE'],
    [['tlp:ex:chr', 'tlp:unclear', 'PAP:RED'], undefined],
    [['Feed-A'], undefined],
    [[], undefined],
  ])('%j → %j', (tags, expected) => {
    expect(tlpFromTags(tags)).toBe(expected);
  });
});
