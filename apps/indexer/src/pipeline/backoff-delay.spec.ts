import { backoffDelay } from './backoff-delay';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 10_000 };

  it('doubles per attempt, half of it jittered', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, 0.999999))).toEqual([100, 200, 400, 800]);
  });

  it('is capped', () => {
    expect(backoffDelay(50, options, 0.999999)).toBe(10_000);
    expect(backoffDelay(1000, options, 0)).toBe(5_000);
  });
});
