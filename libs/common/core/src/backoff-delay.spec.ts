import { backoffDelay } from './backoff-delay';

describe('backoffDelay', () => {
  it.each([
    [1, 0, 500],
    [1, 0.999, 999],
    [2, 0, 1000],
    [4, 0, 4000],
    [10, 0.999, 29_985],
  ])('attempt %i with random %f waits %i ms (1 s initial, 30 s cap)', (attempt, random, expected) => {
    expect(backoffDelay(attempt, 1000, 30_000, random)).toBe(expected);
  });

  it('doubles per attempt, half of it jittered', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 100, 10_000, 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 100, 10_000, 0.999999))).toEqual([99, 199, 399, 799]);
  });

  it('is capped, however many attempts', () => {
    expect(backoffDelay(50, 100, 10_000, 0.999999)).toBe(9_999);
    expect(backoffDelay(1000, 100, 10_000, 0)).toBe(5_000);
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, 100, 10_000, 0)).toBe(5_000);
  });

  it('treats attempt 0 like the first retry', () => {
    expect(backoffDelay(0, 200, 10_000, 0)).toBe(backoffDelay(1, 200, 10_000, 0));
  });
});
