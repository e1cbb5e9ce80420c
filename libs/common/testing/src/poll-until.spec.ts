import { pollUntil } from './poll-until';

describe('pollUntil', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await pollUntil(() => (++calls >= 3 ? `done after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('done after 3');
  });

  it('retries a probe that throws and reports the last error on timeout', async () => {
    await expect(
      pollUntil(
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the service' },
      ),
    ).rejects.toThrow(/waiting for the service \(last error: still down\)/);
  });
});
