/**
 * Scenario 2: the indexer dies with SIGKILL mid-bulk and is restarted. Elasticsearch is reached
 * through a forwarder adding 100 ms per chunk, so bulks are in flight long enough for the kill
 * to land inside one: some of its documents are written, none is committed in Kafka, the
 * restarted indexer replays them, and the deterministic ids make the replay overwrite itself.
 */
import { TcpForwarder } from '@iocflow/testing';
import { FaultStack } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

describe('scenario 2: indexer crashes mid-bulk', () => {
  let stack: FaultStack;
  let forwarder: TcpForwarder | undefined;

  afterEach(async () => {
    await stack?.close();
    await forwarder?.cut();
  });

  it('SIGKILLed indexer, restarted each time: every event indexed exactly once', async () => {
    stack = await FaultStack.create({ name: 'indexer-kill' });
    const es = new URL(stack.endpoints.elasticsearchUrl);
    forwarder = await TcpForwarder.start(es.hostname, Number(es.port || 9200), { delayMs: 100 });
    await stack.syncOnce();
    const total = scale(2000, 30_000);
    const kills = scale(2, 8);
    const planned = generateEvents(stack.id, total, stack.indicators);
    await stack.start('enricher');
    let indexer = await stack.start('indexer', { ELASTICSEARCH_URL: forwarder.url, INDEXER_BULK_MAX_DOCS: '200' });
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(12_000, 180_000), (n) => (progress.produced = n));
    for (let k = 1; k <= kills; k++) {
      await progress.reached(k / (kills + 1), total);
      indexer = await stack.crashAndRestart(indexer);
    }
    const faultEndedAt = Date.now();
    await load;
    const result = await finishScenario(stack, planned, { scenario: `2 indexer SIGKILL ×${kills} mid-bulk`, faultEndedAt, notes: 'ES behind a +100 ms/chunk forwarder, bulks of 200' });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
  });
});
