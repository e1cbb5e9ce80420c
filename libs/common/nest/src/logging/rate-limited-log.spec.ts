import { RateLimitedLog } from './rate-limited-log';

describe('RateLimitedLog', () => {
  it('emits once per interval and reports what it suppressed', () => {
    let now = 0;
    const log = new RateLimitedLog(1_000, () => now);
    const emitted: number[] = [];
    for (const t of [0, 100, 200, 999, 1_000, 1_500, 2_100]) {
      now = t;
      log.maybe((suppressed) => emitted.push(suppressed));
    }
    expect(emitted).toEqual([0, 3, 1]);
  });
});
