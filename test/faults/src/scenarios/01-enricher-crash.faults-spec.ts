/**
 * Scenario 1: the enricher dies with SIGKILL several times mid-run and is restarted (nothing
 * drained, nothing committed: the last batches are replayed); then two replicas share the
 * group and it rebalances mid-run (a replica joins, one leaves gracefully, one comes back).
 */
import { FaultStack } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

describe('scenario 1: enricher crashes and rebalances', () => {
  let stack: FaultStack;

  afterEach(async () => {
    await stack?.close();
  });

  it('SIGKILLed enricher, restarted each time: nothing lost, nothing duplicated, no false none', async () => {
    stack = await FaultStack.create({ name: 'enricher-kill' });
    await stack.syncOnce();
    const total = scale(2000, 30_000);
    const kills = scale(3, 10);
    const planned = generateEvents(stack.id, total, stack.indicators);
    await stack.start('indexer');
    let enricher = await stack.start('enricher');
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(12_000, 180_000), (n) => (progress.produced = n));
    for (let k = 1; k <= kills; k++) {
      await progress.reached(k / (kills + 1), total);
      enricher = await stack.crashAndRestart(enricher);
    }
    const faultEndedAt = Date.now();
    await load;
    const result = await finishScenario(stack, planned, { scenario: `1a enricher SIGKILL ×${kills}`, faultEndedAt, notes: `${kills} SIGKILLs, restart each` });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
  });

  it('two replicas with rebalances mid-run (join, graceful leave, rejoin): nothing lost or false', async () => {
    stack = await FaultStack.create({ name: 'enricher-rebalance', rawPartitions: 6 });
    await stack.syncOnce();
    const total = scale(2000, 30_000);
    const planned = generateEvents(stack.id, total, stack.indicators);
    await stack.start('indexer');
    const first = await stack.start('enricher', {}, { name: 'enricher#1' });
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(12_000, 180_000), (n) => (progress.produced = n));
    await progress.reached(0.25, total);
    const second = await stack.start('enricher', {}, { name: 'enricher#2' });
    await progress.reached(0.5, total);
    await first.process.stop();
    await progress.reached(0.7, total);
    await stack.start('enricher', {}, { name: 'enricher#1' });
    await progress.reached(0.85, total);
    await stack.crashAndRestart(second);
    const faultEndedAt = Date.now();
    await load;
    const result = await finishScenario(stack, planned, { scenario: '1b two enricher replicas, rebalances', faultEndedAt, notes: 'join at 25 %, SIGTERM at 50 %, rejoin at 70 %, SIGKILL+restart at 85 %' });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
  });
});
