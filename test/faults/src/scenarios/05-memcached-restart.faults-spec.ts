/**
 * Scenario 5: the (test-owned) memcached is killed mid-run and comes back empty. The enricher
 * must not answer "none" from an empty store (the sync sentinel is missing: it holds the batch);
 * misp-sync, running as a daemon with a short poll, notices the restart and repopulates.
 */
import { MemcachedClient } from '@iocflow/io';
import { pollUntil } from '@iocflow/testing';
import { FaultStack } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

describe('scenario 5: memcached restarted empty mid-run', () => {
  let stack: FaultStack;

  afterEach(async () => {
    await stack?.close();
  });

  it('no false none while the store is empty; misp-sync repopulates it', async () => {
    stack = await FaultStack.create({ name: 'memcached-restart' });
    await stack.syncOnce();
    const sync = await stack.start('misp-sync', { MISP_POLL_INTERVAL: '2s' });
    const total = scale(2000, 20_000);
    const restarts = scale(1, 3);
    const planned = generateEvents(stack.id, total, stack.indicators);
    const enricher = await stack.start('enricher');
    await stack.start('indexer');
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(15_000, 120_000), (n) => (progress.produced = n));
    const cache = new MemcachedClient({ servers: [stack.memcached.server] });
    const probe = `domain-${stack.indicators[0]!.domain}`;
    try {
      for (let r = 1; r <= restarts; r++) {
        await progress.reached(r / (restarts + 1), total);
        await stack.memcached.stop();
        await stack.memcached.start();
        expect(await cache.get(probe).catch(() => undefined)).toBeUndefined(); // really empty
        await pollUntil(async () => (await cache.get(probe).catch(() => undefined)) === stack.indicators[0]!.feed, { timeoutMs: 60_000, intervalMs: 250, description: 'misp-sync repopulated memcached' });
      }
    } finally {
      await cache.close();
    }
    const faultEndedAt = Date.now();
    await load;
    const repairs = /^misp_sync_store_repairs_total\{[^}]*\} (\d+)/m.exec(await stack.metrics(sync));
    const holds = /^iocflow_enricher_store_unavailable_total\{code="STORE_EMPTY"\} (\d+)/m.exec(await stack.metrics(enricher));
    const result = await finishScenario(stack, planned, {
      scenario: `5 memcached restarted empty ×${restarts}`,
      faultEndedAt,
      notes: `misp-sync daemon (poll 2 s) repairs: ${repairs?.[1] ?? 0}; enricher STORE_EMPTY holds: ${holds?.[1] ?? 0}`,
    });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
    expect(Number(repairs?.[1] ?? 0)).toBeGreaterThanOrEqual(restarts);
  });
});
