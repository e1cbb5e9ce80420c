import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EarlierBatchFailedError, PartitionSendOrder, type SendTurn } from './partition-send-order';

/** Resolves after every promise callback queued so far has run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function state(promise: Promise<void>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  await flush();
  return result;
}

/** Three batches of one partition in arrival order, and the waits of the second and third. */
function threeInLine(order: PartitionSendOrder) {
  const first = order.turn('raw', 0);
  const second = order.turn('raw', 0);
  const third = order.turn('raw', 0);
  return { first, second, third, secondReady: second.earlierSent(), thirdReady: third.earlierSent() };
}

describe('PartitionSendOrder', () => {
  it('lets the first batch of a partition send at once', async () => {
    const order = new PartitionSendOrder();
    await expect(state(order.turn('raw', 0).earlierSent())).resolves.toBe('resolved');
  });

  it('makes a later batch of the same partition wait until the earlier one was sent', async () => {
    const order = new PartitionSendOrder();
    const { first, second, third, secondReady, thirdReady } = threeInLine(order);
    expect(await state(secondReady)).toBe('pending');
    first.sent();
    expect(await state(secondReady)).toBe('resolved');
    expect(await state(thirdReady)).toBe('pending');
    second.sent();
    expect(await state(thirdReady)).toBe('resolved');
    third.sent();
    expect(order.partitionsInFlight).toBe(0);
  });

  it('keeps partitions and topics independent', async () => {
    const order = new PartitionSendOrder();
    order.turn('raw', 0);
    expect(await state(order.turn('raw', 1).earlierSent())).toBe('resolved');
    expect(await state(order.turn('other', 0).earlierSent())).toBe('resolved');
    expect(order.partitionsInFlight).toBe(3);
  });

  it('fails the batches waiting behind a failed one, with the cause', async () => {
    const { first, second, secondReady, thirdReady } = threeInLine(new PartitionSendOrder());
    const cause = new Error('broker said no');
    first.failed(cause);
    await expect(secondReady).rejects.toBeInstanceOf(EarlierBatchFailedError);
    await expect(secondReady).rejects.toMatchObject({ retriable: true, cause });
    // the second never sent: the pipeline reports it failed, and the third follows
    second.failed(new EarlierBatchFailedError(cause));
    await expect(thirdReady).rejects.toBeInstanceOf(EarlierBatchFailedError);
  });

  it('starts a fresh line for a batch that arrives after the failure settled (the redelivery)', async () => {
    const order = new PartitionSendOrder();
    order.turn('raw', 0).failed(new Error('lost'));
    expect(await state(order.turn('raw', 0).earlierSent())).toBe('resolved');
  });

  it('waits for a failed batch only if it was still in flight when the turn was taken', async () => {
    const order = new PartitionSendOrder();
    const first = order.turn('raw', 0);
    first.sent();
    const second = order.turn('raw', 0);
    expect(await state(second.earlierSent())).toBe('resolved');
  });

  it('counts only the first settlement of a turn', async () => {
    const order = new PartitionSendOrder();
    const first = order.turn('raw', 0);
    const second = order.turn('raw', 0);
    first.sent();
    first.failed(new Error('too late'));
    await expect(second.earlierSent()).resolves.toBeUndefined();
  });

  it('lets a settled turn be collected although later batches keep overlapping (no chain of every turn taken)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const order = new PartitionSendOrder();
    const inFlight: { turn?: SendTurn } = {};
    // Eleven more turns, each taken while the one before is in flight, which is then sent; only the last stays in flight.
    const firstRef = ((): WeakRef<SendTurn> => {
      const first = order.turn('raw', 0);
      let previous = first;
      for (let i = 0; i < 11; i++) {
        const next = order.turn('raw', 0);
        previous.sent();
        previous = next;
      }
      inFlight.turn = previous;
      return new WeakRef(first);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(firstRef.deref()).toBeUndefined();
    inFlight.turn?.sent();
    expect(order.partitionsInFlight).toBe(0);
  });
});
