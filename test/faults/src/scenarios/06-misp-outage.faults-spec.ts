/**
 * Scenario 6: MISP (the stand-in) fails — 500s, then hanging requests — for longer than the
 * seed's store lifetime. The seed's keys had a 130 s TTL, so a MISP outage longer than that
 * emptied the store and every event became "none". Here keys carry no TTL (indicators stay in
 * force), and staleness is explicit: misp-sync's last-success gauge ages, and once the sync
 * sentinel is older than ENRICHER_MAX_STALENESS the enricher reports the store unusable and
 * holds events instead of guessing.
 *
 * Time is compressed in the short version: ENRICHER_MAX_STALENESS=20s stands in for the default
 * 15 min, and the outage lasts 35 s (> 20 s); the long version keeps the outage above the seed's
 * real 130 s (150 s, staleness 60 s). What is checked is the same in both.
 */
import { MemcachedClient } from '@iocflow/io';
import { pollUntil } from '@iocflow/testing';
import { FaultStack, type RunningService } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

function gauge(metrics: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(metrics);
  return match ? Number(match[1]) : undefined;
}

describe('scenario 6: MISP failing longer than the seed TTL', () => {
  let stack: FaultStack;

  afterEach(async () => {
    stack?.standin.clearFaults();
    await stack?.close();
  });

  it('indicators stay in force, staleness is visible, nothing is silently expired or falsely "none"', async () => {
    stack = await FaultStack.create({ name: 'misp-outage' });
    const stalenessS = scale(20, 60);
    const outageMs = scale(35_000, 150_000);
    await stack.syncOnce();
    const sync = await stack.start('misp-sync', { MISP_POLL_INTERVAL: '1s', MISP_RETRIES: '1', MISP_RETRY_BASE: '200ms', MISP_RETRY_MAX: '1s', MISP_TIMEOUT: '3s' });
    const enricher: RunningService = await stack.start('enricher', { ENRICHER_MAX_STALENESS: `${stalenessS}s`, ENRICHER_PROBE_INTERVAL: '1s' });
    await stack.start('indexer');
    const total = scale(1500, 15_000);
    const planned = generateEvents(stack.id, total, stack.indicators);
    const progress = new Progress();
    const load = stack.produceOverTime(planned, outageMs + scale(15_000, 60_000), (n) => (progress.produced = n));
    await progress.reached(0.1, total);

    const outageStart = Date.now();
    stack.standin.injectFault('500', 1_000_000);
    const cache = new MemcachedClient({ servers: [stack.memcached.server] });
    let staleSeen = false;
    let lastSuccessAge = 0;
    try {
      // Half the outage answers 500, the rest hangs (misp-sync's MISP_TIMEOUT ends each request).
      await new Promise((resolve) => setTimeout(resolve, outageMs / 2));
      stack.standin.clearFaults();
      stack.standin.injectFault('hang', 1_000_000);
      await pollUntil(
        async () => {
          const usable = gauge(await stack.metrics(enricher), 'iocflow_enricher_store_usable');
          if (usable === 0) staleSeen = true;
          const lastSuccess = gauge(await stack.metrics(sync), 'iocflow_misp_sync_last_success_timestamp_seconds') ?? 0;
          lastSuccessAge = Date.now() / 1000 - lastSuccess;
          return Date.now() - outageStart >= outageMs;
        },
        { timeoutMs: outageMs + 30_000, intervalMs: 1000, description: 'the outage to run its course' },
      );
      // Past any TTL the seed used: every indicator is still in the store.
      const held = await cache.getMany(stack.indicators.map((indicator) => `domain-${indicator.domain}`));
      expect(held.size).toBe(stack.indicators.length);
    } finally {
      await cache.close();
    }
    const errors = /^iocflow_misp_sync_misp_errors_total\{[^}]*\} (\d+)/m.exec(await stack.metrics(sync));
    stack.standin.clearFaults();
    const faultEndedAt = Date.now();
    await load;
    const result = await finishScenario(stack, planned, {
      scenario: `6 MISP failing ${outageMs / 1000} s (500 then hang), staleness ${stalenessS} s`,
      faultEndedAt,
      notes: `store unusable seen: ${staleSeen}; misp-sync last success ${lastSuccessAge.toFixed(0)} s old at the end; MISP errors counted: ${errors?.[1] ?? 0}; all ${stack.indicators.length} keys still held`,
    });
    expect(staleSeen).toBe(true);
    expect(lastSuccessAge).toBeGreaterThan(stalenessS);
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
  });
});
