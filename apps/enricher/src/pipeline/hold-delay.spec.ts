import { holdDelay } from './hold-delay';

describe('holdDelay', () => {
  it('doubles per attempt within jitter bounds and caps', () => {
    expect(holdDelay(1, 200, 10_000, 0)).toBe(100);
    expect(holdDelay(1, 200, 10_000, 0.999)).toBe(199);
    expect(holdDelay(3, 200, 10_000, 0)).toBe(400);
    expect(holdDelay(20, 200, 10_000, 0)).toBe(5000);
    expect(holdDelay(20, 200, 10_000, 0.999)).toBeLessThan(10_000);
  });
});
