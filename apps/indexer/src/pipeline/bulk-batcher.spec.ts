import { BulkBatcher } from './bulk-batcher';

interface Entry {
  readonly id: number;
  readonly bytes: number;
}

const entries = (from: number, count: number, bytes = 10): Entry[] => Array.from({ length: count }, (_, i) => ({ id: from + i, bytes }));

function harness(options: Partial<ConstructorParameters<typeof BulkBatcher>[0]> = {}) {
  let now = 0;
  const sent: number[][] = [];
  const release: (() => void)[] = [];
  const batcher = new BulkBatcher<Entry>(
    { maxDocuments: 3, maxBytes: 1000, lingerMs: 50, concurrency: 2, ...options },
    (chunk) => {
      sent.push(chunk.map((e) => e.id));
      return new Promise<void>((resolve) => release.push(resolve));
    },
    () => now,
  );
  return { batcher, sent, release, advance: (ms: number) => (now += ms) };
}

describe('BulkBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('flushes full chunks at once, by count', () => {
    const { batcher, sent } = harness();
    batcher.add(entries(0, 7));
    expect(sent).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(batcher.queued).toBe(1);
  });

  it('flushes by bytes, and sends an entry bigger than the limit alone', () => {
    const { batcher, sent } = harness({ maxBytes: 25, concurrency: 10 });
    batcher.add([...entries(0, 3), { id: 9, bytes: 100 }, ...entries(3, 3)]);
    expect(sent.slice(0, 3)).toEqual([[0, 1], [2], [9]]);
  });

  it('holds a partial chunk until the linger time, then sends it', () => {
    const { batcher, sent, advance } = harness();
    batcher.add(entries(0, 2));
    expect(sent).toEqual([]);
    advance(50);
    jest.advanceTimersByTime(50);
    expect(sent).toEqual([[0, 1]]);
  });

  it('never has more than `concurrency` chunks in flight, and continues as they finish', async () => {
    const { batcher, sent, release } = harness();
    batcher.add(entries(0, 9));
    expect(sent).toHaveLength(2);
    expect(batcher.active).toBe(2);
    release.shift()!();
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toHaveLength(3);
    expect(batcher.active).toBe(2);
  });

  it('drain() flushes partial chunks without waiting, and idle() resolves when all is done', async () => {
    const { batcher, sent, release } = harness();
    batcher.add(entries(0, 1));
    batcher.drain();
    expect(sent).toEqual([[0]]);
    const idle = batcher.idle();
    release.shift()!();
    await expect(idle).resolves.toBeUndefined();
  });
});
