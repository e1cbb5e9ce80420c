import { generateEvents, seededRandom, zipfSampler } from '../../bench/load-generator';

describe('load generator', () => {
  it('makes 300–800 byte ECS events with about the requested hit rate, deterministically', () => {
    const options = { events: 2000, hitRate: 0.05, indicatorDomains: ['bad1.example', 'bad2.example'], benignDomains: 1000, seed: 7 };
    const { values, hits } = generateEvents(options);
    for (const value of values) {
      expect(value.length).toBeGreaterThanOrEqual(300);
      expect(value.length).toBeLessThanOrEqual(800);
    }
    expect(hits / values.length).toBeGreaterThan(0.03);
    expect(hits / values.length).toBeLessThan(0.07);
    expect(generateEvents(options).values[5]).toEqual(values[5]);
  });

  it('draws Zipf-like: the first rank is by far the most frequent', () => {
    const draw = zipfSampler(1000, 1.1, seededRandom(1));
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const k = draw();
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.get(0) ?? 0).toBeGreaterThan(10 * (counts.get(100) ?? 0));
  });
});
