import fc from 'fast-check';
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

  it('hands out every entry once, in order, within the bounds, however adds and chunks interleave (head index and compaction)', async () => {
    // a finished chunk's `finally` dispatches the next one a few microtasks later
    const settle = async (): Promise<void> => {
      for (let tick = 0; tick < 5; tick += 1) await Promise.resolve();
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 12 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 100 }),
        async (adds, maxDocuments, maxBytes) => {
          const { batcher, sent, release } = harness({ maxDocuments, maxBytes, concurrency: 1 });
          const sizes = new Map<number, number>();
          let next = 0;
          for (const add of adds) {
            const batch = add.map((bytes) => ({ id: next++, bytes }));
            for (const entry of batch) sizes.set(entry.id, entry.bytes);
            batcher.add(batch);
            // one chunk finishes between adds: takeChunk runs against a queue at every stage
            release.shift()?.();
            await settle();
          }
          batcher.drain();
          while (release.length > 0) {
            release.shift()!();
            await settle();
          }
          expect(sent.flat()).toEqual([...sizes.keys()]);
          for (const chunk of sent) {
            expect(chunk.length).toBeLessThanOrEqual(maxDocuments);
            const bytes = chunk.reduce((sum, id) => sum + (sizes.get(id) ?? 0), 0);
            if (chunk.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
          }
          expect(batcher.queued).toBe(0);
        },
      ),
    );
  });
});
