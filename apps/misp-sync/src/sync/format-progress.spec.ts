import { formatProgress } from './format-progress';

describe('formatProgress', () => {
  it.each([
    [{ run: 'full sync', done: 0, total: 1000, elapsedMs: 0 }, 'full sync: 0/1000 attributes (0.0%)'],
    [{ run: 'full sync', done: 120_000, total: 1_000_000, elapsedMs: 3000 }, 'full sync: 120000/1000000 attributes (12.0%), 40000/s, ETA 22s'],
    [{ run: 'full sync', done: 100, total: 100, elapsedMs: 1000 }, 'full sync: 100/100 attributes (100.0%), 100/s'],
    [{ run: 'incremental', done: 500, total: undefined, elapsedMs: 1000 }, 'incremental: 500 attributes, 500/s'],
    [{ run: 'full sync', done: 10, total: 100_000, elapsedMs: 1000 }, 'full sync: 10/100000 attributes (0.0%), 10/s, ETA 2h46m'],
    [{ run: 'full sync', done: 10, total: 1000, elapsedMs: 1000 }, 'full sync: 10/1000 attributes (1.0%), 10/s, ETA 1m39s'],
  ])('%j', (progress, expected) => {
    expect(formatProgress(progress)).toBe(expected);
  });
});
