import { stripTrailing } from './strip-trailing';

describe('stripTrailing', () => {
  it.each([
    ['see evil.example.', '.:!?]', 'see evil.example'],
    ['evil.example]:!?', '.:!?]', 'evil.example'],
    ['evil.example', '.:!?]', 'evil.example'],
    ['...', '.', ''],
    ['', '.', ''],
    ['https://misp.example///', '/', 'https://misp.example'],
  ])('%j without trailing %j is %j', (text, characters, expected) => {
    expect(stripTrailing(text, characters)).toBe(expected);
  });

  it('agrees with the regex it replaces', () => {
    for (const text of ['a..b..', 'x]]', '?', 'a!b', '.a.']) expect(stripTrailing(text, '.:!?]')).toBe(text.replace(/[.:!?\]]+$/, ''));
  });
});
