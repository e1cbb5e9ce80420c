/**
 * Scenario 5: the (test-owned) memcached is killed mid-run and comes back empty. The enricher
 * must not answer "none" from an empty store (the sync sentinel is missing: it holds the batch);
 * misp-sync repopulates it.
 *
 * misp-sync is paused around each restart so the enricher really meets the empty store: the
 * daemon is stopped before memcached is killed, events keep flowing, and misp-sync is started
 * again only once the enricher has counted a STORE_EMPTY hold. (With a daemon polling every 2 s
 * the repair could win the race and the hold path would go untested.) The new daemon restores its
 * state from the indicator topic and repairs memcached.
 */
import { MemcachedClient } from '@iocflow/io';
import { pollUntil } from '@iocflow/testing';
import { FaultStack, type RunningService } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

async function counterValue(stack: FaultStack, service: RunningService, pattern: RegExp): Promise<number> {
  const match = pattern.exec(await stack.metrics(service));
  return Number(match?.[1] ?? 0);
}

// Labels come in any order (the registry adds service="…" to every metric).
const STORE_EMPTY_HOLDS = /^iocflow_enricher_store_unavailable_total\{[^}]*code="STORE_EMPTY"[^}]*\} (\d+)/m;
const REPAIRS = /^iocflow_misp_sync_store_repairs_total\{[^}]*\} (\d+)/m;

describe('scenario 5: memcached restarted empty mid-run', () => {
  let stack: FaultStack;

  afterEach(async () => {
    await stack?.close();
  });

  it('no false none while the store is empty (the enricher holds); misp-sync repopulates it', async () => {
    stack = await FaultStack.create({ name: 'memcached-restart' });
    await stack.syncOnce();
    const total = scale(2000, 20_000);
    const restarts = scale(1, 3);
    const planned = generateEvents(stack.id, total, stack.indicators);
    const enricher = await stack.start('enricher');
    await stack.start('indexer');
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(15_000, 120_000), (n) => (progress.produced = n));
    const cache = new MemcachedClient({ servers: [stack.memcached.server] });
    const probe = `domain-${stack.indicators[0]!.domain}`;
    let sync: RunningService | undefined;
    let repairs = 0;
    let faultEndedAt = 0;
    try {
      for (let r = 1; r <= restarts; r++) {
        await progress.reached(r / (restarts + 1), total);
        // misp-sync paused: nobody repairs memcached until the enricher has met it empty.
        if (sync) {
          repairs += await counterValue(stack, sync, REPAIRS);
          await sync.process.stop(30_000);
          sync = undefined;
        }
        const holdsBefore = await counterValue(stack, enricher, STORE_EMPTY_HOLDS);
        await stack.memcached.stop();
        await stack.memcached.start();
        expect(await cache.get(probe).catch(() => undefined)).toBeUndefined(); // really empty
        await pollUntil(async () => (await counterValue(stack, enricher, STORE_EMPTY_HOLDS)) > holdsBefore, {
          timeoutMs: 30_000,
          intervalMs: 200,
          description: 'the enricher to meet the empty store and hold (STORE_EMPTY)',
        });
        sync = await stack.start('misp-sync', { MISP_POLL_INTERVAL: '2s' }, { name: `misp-sync-${r}` });
        const restarted = sync;
        await pollUntil(async () => (await cache.get(probe).catch(() => undefined)) === stack.indicators[0]!.feed, { timeoutMs: 60_000, intervalMs: 250, description: 'misp-sync repopulated memcached' });
        faultEndedAt = Date.now();
        // misp-sync counts a repair only after its last key is written: the probe key can be back
        // before the counter moves, so the counter is waited for, not read once.
        await pollUntil(async () => (await counterValue(stack, restarted, REPAIRS)) > 0, { timeoutMs: 30_000, intervalMs: 250, description: `misp-sync-${r} to count its repair` });
      }
    } finally {
      await cache.close();
    }
    await load;
    repairs += sync ? await counterValue(stack, sync, REPAIRS) : 0;
    const holds = await counterValue(stack, enricher, STORE_EMPTY_HOLDS);
    const result = await finishScenario(stack, planned, {
      scenario: `5 memcached restarted empty ×${restarts}`,
      faultEndedAt,
      notes: `misp-sync paused until the enricher held; enricher STORE_EMPTY holds: ${holds}; misp-sync repairs: ${repairs}`,
    });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
    expect(holds).toBeGreaterThanOrEqual(restarts);
    expect(repairs).toBeGreaterThanOrEqual(restarts);
  });
});
