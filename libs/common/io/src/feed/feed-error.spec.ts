import { FeedError, feedErrorCodeForStatus } from './feed-error';

describe('feedErrorCodeForStatus', () => {
  it.each([
    [404, 'FEED_NOT_FOUND', false],
    [410, 'FEED_NOT_FOUND', false],
    [500, 'FEED_UNAVAILABLE', true],
    [503, 'FEED_UNAVAILABLE', true],
    [429, 'FEED_UNAVAILABLE', true],
    [408, 'FEED_UNAVAILABLE', true],
    [401, 'FEED_REJECTED', false],
    [403, 'FEED_REJECTED', false],
  ] as const)('%d → %s (retriable %s)', (status, code, retriable) => {
    expect(feedErrorCodeForStatus(status)).toBe(code);
    expect(new FeedError(feedErrorCodeForStatus(status), 'x').retriable).toBe(retriable);
  });
});
