import { redactFeedLocation } from './redact-feed-location';

describe('redactFeedLocation', () => {
  it.each([
    ['https://user:secret@feeds.example/misp/?token=x#y', 'https://feeds.example/misp/'],
    ['http://127.0.0.1:8080/feed.csv', 'http://127.0.0.1:8080/feed.csv'],
    ['file:///srv/feeds/digitalside', 'file:///srv/feeds/digitalside'],
    ['/srv/feeds/list.txt', '/srv/feeds/list.txt'],
    ['https://', 'invalid-url'],
  ])('%s → %s', (location, expected) => {
    expect(redactFeedLocation(location)).toBe(expected);
  });
});
