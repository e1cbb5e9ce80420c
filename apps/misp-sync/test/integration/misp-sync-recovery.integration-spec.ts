import { KafkaAdmin, KafkaProducer } from '@iocflow/io';
import { pollUntil, stackEndpoints, uniqueName } from '@iocflow/testing';
import { createHarness, deleteRunTopics, rawGet, type Harness } from './misp-sync-harness';

const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835';
const DOMAIN_A = 'ooiasjdnqjwbeasdasd.com';

describe('misp-sync recovery', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await createHarness();
    harness.standin.setEventTags(URSNIF_EVENT, ['Feed-RansomwareTracker']);
  });

  afterEach(async () => {
    await harness?.stop();
  });

  it('memcached restart (empty) is detected from stats and repaired from the state', async () => {
    const instance = await harness.start();
    expect(await instance.runner.runOnce()).toBe(true);
    expect((await rawGet(harness.memcached.server, `domain-${DOMAIN_A}`))?.value).toBe('Feed-RansomwareTracker');
    await harness.memcached.stop();
    await harness.memcached.start();
    expect(await rawGet(harness.memcached.server, `domain-${DOMAIN_A}`)).toBeUndefined();
    // The client reconnects on its own; the next run sees a new pid and repopulates.
    const outcome = await pollUntil(async () => {
      const result = await instance.pipeline.sync();
      return result.ok ? result : undefined;
    }, { timeoutMs: 30_000, description: 'a successful sync after the memcached restart' });
    expect(outcome.added).toBe(0);
    expect((await rawGet(harness.memcached.server, `domain-${DOMAIN_A}`))?.value).toBe('Feed-RansomwareTracker');
    expect(await instance.registry.metrics()).toMatch(/iocflow_misp_sync_store_repairs_total\{reason="restarted"\} 1/);
  });

  it('resume after a kill: a new instance restores from Kafka and pulls only from the cursor', async () => {
    const first = await harness.start();
    expect(await first.runner.runOnce()).toBe(true);
    const cursor = first.pipeline.currentCursor;
    expect(cursor?.timestamp).toBeGreaterThan(0);
    // "Kill": the first instance is simply abandoned (no shutdown, no flush beyond what each run acknowledged).
    harness.standin.addAttribute(URSNIF_EVENT, { type: 'domain', value: 'after-the-kill.example' });
    harness.standin.clearRequests();
    const second = await harness.start();
    expect(await second.runner.runOnce()).toBe(true);
    expect(second.runner.lastSync).toMatchObject({ ok: true, mode: 'incremental' });
    expect(second.pipeline.state.size).toBe(first.pipeline.state.size + 1);
    expect((await rawGet(harness.memcached.server, 'domain-after-the-kill.example'))?.value).toBe('Feed-RansomwareTracker');
    const searches = harness.standin.requests().filter((request) => request.path === '/attributes/restSearch');
    expect(searches.length).toBeGreaterThan(0);
    for (const request of searches) {
      const body = request.body as Record<string, unknown>;
      // Every request is bounded by the restored cursor: no full re-pull.
      expect(body['timestamp'] ?? body['event_timestamp']).toBeGreaterThanOrEqual(Math.min(cursor?.timestamp ?? 0, cursor?.eventTimestamp ?? 0));
    }
  });

  it('live MISP Kafka notifications apply adds and hard deletes within seconds, without a poll', async () => {
    const notificationsTopic = uniqueName('misp-attribute-it');
    const admin = new KafkaAdmin({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-it' });
    await admin.ensureTopics([{ topic: notificationsTopic, partitions: 1 }]);
    const producer = new KafkaProducer({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-standin-kafka-plugin' });
    try {
      const instance = await harness.start({ MISP_NOTIFICATIONS_TOPIC: notificationsTopic, MISP_NOTIFICATIONS_GROUP: uniqueName('misp-sync-it-group'), MISP_POLL_INTERVAL: '1h' });
      await instance.runner.start();
      await pollUntil(() => instance.runner.lastSync?.ok === true, { description: 'first sync' });
      // MISP's plugin publishes without a key; resent until the new group has joined (idempotent).
      const publishLast = async () => {
        const last = harness.standin.notifications().at(-1);
        await producer.send([{ topic: notificationsTopic, key: null, value: JSON.stringify(last?.message) }]);
      };
      const added = harness.standin.addAttribute(URSNIF_EVENT, { type: 'domain', value: 'live.evil.example' });
      await pollUntil(
        async () => {
          await publishLast();
          return (await rawGet(harness.memcached.server, 'domain-live.evil.example'))?.value === 'Feed-RansomwareTracker';
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'the added attribute in memcached' },
      );
      harness.standin.hardDeleteAttribute(String(added['uuid']));
      await pollUntil(
        async () => {
          await publishLast();
          return (await rawGet(harness.memcached.server, 'domain-live.evil.example')) === undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'the hard-deleted attribute gone' },
      );
      expect(instance.runner.lastSync?.ok).toBe(true);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
      await deleteRunTopics([notificationsTopic]);
    }
  });
});
