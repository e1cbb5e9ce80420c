import { retryDelay } from './retry-delay';

describe('retryDelay', () => {
  it.each([
    [1, 0, 500],
    [1, 0.999, 999],
    [2, 0, 1000],
    [4, 0, 4000],
    [10, 0.999, 29_985],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(retryDelay(attempt, 1000, 30_000, random)).toBe(expected);
  });
});
