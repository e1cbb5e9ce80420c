import { DEFAULT_FEED_FALLBACK, compileGlob, feedsFromTags, formatFeeds, parseFeeds, sanitiseFeedName } from './feed-value';

describe('formatFeeds', () => {
  it.each<[string[], string]>([
    [['Feed-B', 'Feed-A', 'Feed-B'], 'Feed-A,Feed-B'],
    [['Feed-RansomwareTracker'], 'Feed-RansomwareTracker'],
    [[], ''],
    [['', '  '], ''],
    [['Feed,X', 'Feed-Y'], 'Feed-Y,FeedX'],
    [['Feed-\r\nflush_all'], 'Feed-flush_all'],
    [[' Feed-A '], 'Feed-A'],
    [['b', 'B', 'a'], 'B,a,b'],
  ])('%j → %j', (feeds, expected) => {
    expect(formatFeeds(feeds)).toBe(expected);
  });

  it('never writes a list repr', () => {
    expect(formatFeeds(new Set(['Feed-X']))).not.toMatch(/[[\]']/);
  });
});

describe('parseFeeds', () => {
  it.each<[string, string[]]>([
    ['Feed-A,Feed-B', ['Feed-A', 'Feed-B']],
    ['Feed-B,Feed-A,Feed-A', ['Feed-A', 'Feed-B']],
    ['Feed-A', ['Feed-A']],
    ['', []],
    [' , ,', []],
    ["['Feed-X']", ['Feed-X']],
    ["['Feed-X', 'Feed-Y']", ['Feed-X', 'Feed-Y']],
    ['["Feed-X"]', ['Feed-X']],
  ])('%j → %j', (value, expected) => {
    expect(parseFeeds(value)).toEqual(expected);
  });

  it('round-trips formatFeeds', () => {
    const feeds = ['Feed-Z', 'Feed-A', 'Feed-M'];
    expect(parseFeeds(formatFeeds(feeds))).toEqual([...feeds].sort());
  });
});

describe('feedsFromTags', () => {
  it.each<[string[], string | undefined, string | undefined, string[]]>([
    [['Feed-RansomwareTracker', 'tlp:white'], undefined, undefined, ['Feed-RansomwareTracker']],
    [['Feed-B', 'Feed-A', 'Feed-B'], undefined, undefined, ['Feed-A', 'Feed-B']],
    [['tlp:white'], undefined, undefined, [DEFAULT_FEED_FALLBACK]],
    [[], undefined, 'CIRCL', ['CIRCL']],
    [['tlp:white'], undefined, 'Bad,\r\nName', ['BadName']],
    [['tlp:white'], undefined, ',\n', [DEFAULT_FEED_FALLBACK]],
    [['feed-lower'], undefined, 'x', ['x']],
    [['osint:source-type="block-or-filter-list"', 'misp-galaxy:x'], 'osint:*', undefined, ['osint:source-type="block-or-filter-list"']],
    [['src:abuse.ch:urlhaus', 'src:x'], 'src:*:*', undefined, ['src:abuse.ch:urlhaus']],
    [['Feed-A'], 'Feed-A', undefined, ['Feed-A']],
    [['Feed-A,B'], undefined, undefined, ['Feed-AB']],
  ])('%j with %j (fallback %j) → %j', (tags, pattern, fallback, expected) => {
    expect(feedsFromTags(tags, pattern, fallback)).toEqual(expected);
  });
});

describe('compileGlob', () => {
  it.each<[string, string, boolean]>([
    ['Feed-*', 'Feed-X', true],
    ['Feed-*', 'Feed-', true],
    ['Feed-*', 'XFeed-X', false],
    ['*', '', true],
    ['*-*', 'a-b', true],
    ['*-*', 'ab', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['Feed.*', 'Feed-X', false],
  ])('%j matches %j: %j', (pattern, text, expected) => {
    expect(compileGlob(pattern)(text)).toBe(expected);
  });

  it('is linear on a hostile pattern', () => {
    const match = compileGlob('*a*a*a*a*a*a*a*a*b');
    // CPU time, not wall-clock: other processes on a loaded machine do not count against it
    const started = process.cpuUsage();
    expect(match('a'.repeat(100_000))).toBe(false);
    const used = process.cpuUsage(started);
    // a backtracking matcher never finishes here; the bound only tells the two apart
    expect((used.user + used.system) / 1000).toBeLessThan(3000);
  });
});

describe('sanitiseFeedName', () => {
  it.each([
    ['Feed-A', 'Feed-A'],
    ['Feed,A', 'FeedA'],
    ['\u0000Feed\u007f\u0085', 'Feed'],
    ['Fëed-Ünïcode', 'Fëed-Ünïcode'],
    ['  ', ''],
  ])('%j → %j', (name, expected) => {
    expect(sanitiseFeedName(name)).toBe(expected);
  });
});
