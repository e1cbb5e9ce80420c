import { BatchSettlement } from './batch-settlement';

const state = async (settlement: BatchSettlement): Promise<'pending' | 'done' | 'failed'> =>
  Promise.race([settlement.done.then(() => 'done' as const, () => 'failed' as const), new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);

describe('BatchSettlement', () => {
  it('is done once every expected document settled, not before', async () => {
    const settlement = new BatchSettlement();
    settlement.expect(3);
    settlement.settle(1);
    settlement.settle(1);
    expect(await state(settlement)).toBe('pending');
    settlement.settle(1);
    expect(await state(settlement)).toBe('done');
    expect(settlement.failed).toBe(false);
  });

  it('is done at once for a batch without documents', async () => {
    const settlement = new BatchSettlement();
    settlement.expect(0);
    expect(await state(settlement)).toBe('done');
  });

  it('fails with the error while documents are unsettled, and marks them failed', async () => {
    const settlement = new BatchSettlement();
    settlement.expect(2);
    settlement.settle(1);
    const error = new Error('hold timeout');
    settlement.fail(error);
    await expect(settlement.done).rejects.toBe(error);
    expect(settlement.failed).toBe(true);
  });

  it('stays done when a failure comes after every document settled', async () => {
    const settlement = new BatchSettlement();
    settlement.expect(1);
    settlement.settle(1);
    settlement.fail(new Error('late'));
    expect(await state(settlement)).toBe('done');
    expect(settlement.failed).toBe(false);
  });
});
