import { parseSyncSentinel, SYNC_SENTINEL_KEY } from '@iocflow/core';
import type { SyncOutcome } from '../../src/sync/sync.pipeline';
import { createHarness, rawGet, readTopic, type Harness } from './misp-sync-harness';

// Real MISP data (test/fixtures, served by the stand-in), real Kafka, a memcached process
// owned by this suite. The steps run in order against one MISP: each one changes MISP, runs a
// sync as a deployment would, and checks memcached over the plain text protocol and the topic.

const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835'; // sighting_1.json: 4 domains + 1 url, to_ids
const DOMAIN_A = { uuid: '5b6464ca-e73c-4707-9b8a-d0350acd0835', value: 'ooiasjdnqjwbeasdasd.com' };
const DOMAIN_B = { uuid: '5b6464ca-45f8-43d0-8b78-d0350acd0835', value: 'eqowiesajenqweasd.com' };
const DOMAIN_C = { uuid: '5b6464ca-8c84-4c2d-95d9-d0350acd0835', value: 'dquohwdihaewqdcas.com' };
const DOMAIN_D = { uuid: '5b6464ca-e0a0-40e0-8e21-d0350acd0835', value: 'diqjwhebseqhbasdh.com' };
const OBJECT_SHA1 = '68064fc152e23d56e541714af52651cb4ba81aaf'; // inside a `file` object

describe('misp-sync against the MISP stand-in, Kafka and memcached', () => {
  let harness: Harness;
  let instance: Awaited<ReturnType<Harness['start']>>;

  const get = (key: string) => rawGet(harness.memcached.server, key);
  const sentinel = async () => parseSyncSentinel((await get(SYNC_SENTINEL_KEY))?.value);
  const sync = async (): Promise<SyncOutcome> => instance.pipeline.sync();
  const expectOk = (outcome: SyncOutcome) => {
    if (!outcome.ok) throw new Error(`sync failed: ${String(outcome.error)}`);
    return outcome;
  };

  beforeAll(async () => {
    harness = await createHarness();
    harness.standin.setEventTags(URSNIF_EVENT, ['Feed-RansomwareTracker', 'tlp:white']);
    instance = await harness.start();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('first sync: a full pull writes plain feed names, object attributes, the sentinel and the topic', async () => {
    expect(await instance.runner.runOnce()).toBe(true);
    expect(instance.runner.lastSync).toMatchObject({ ok: true, mode: 'full' });
    expect(await get(`domain-${DOMAIN_A.value}`)).toEqual({ flags: 0, value: 'Feed-RansomwareTracker' });
    expect(await get('url-http://sistemait.it/softaculous/backup/client.rar')).toEqual({ flags: 0, value: 'Feed-RansomwareTracker' });
    expect((await get(`sha1-${OBJECT_SHA1}`))?.value).toBe('misp');
    const mark = await sentinel();
    expect(mark?.indicatorCount).toBe(instance.pipeline.state.size);
    // Format 2: the MISP server with its poll interval, for readers that judge each source by its schedule.
    expect(mark?.sources).toEqual({ misp: { lastSuccessAt: mark?.lastSuccessAt, intervalMs: 60_000 } });
    expect(instance.pipeline.state.size).toBeGreaterThan(300);
    const topic = await readTopic(harness.iocTopic);
    expect(topic.size).toBe(instance.pipeline.state.size);
    // The same sentinel is the topic's freshness record (table mode reads it there).
    expect((await readTopic(harness.iocTopic, true)).get(SYNC_SENTINEL_KEY)).toBe((await get(SYNC_SENTINEL_KEY))?.value);
    expect(JSON.parse(topic.get(`domain-${DOMAIN_A.value}`) ?? '{}')).toMatchObject({
      kind: 'domain',
      value: DOMAIN_A.value,
      feeds: ['Feed-RansomwareTracker'],
      attributes: [{ attributeUuid: DOMAIN_A.uuid, mispType: 'domain', eventUuid: URSNIF_EVENT, toIds: true }],
    });
  });

  it('add: a new hostname appears under domain- after an incremental sync', async () => {
    harness.standin.addAttribute(URSNIF_EVENT, { type: 'hostname', value: 'New.Evil.Example.', uuid: '0f000000-0000-4000-8000-000000000001' });
    expect(expectOk(await sync()).mode).toBe('incremental');
    expect(await get('domain-new.evil.example')).toEqual({ flags: 0, value: 'Feed-RansomwareTracker' });
  });

  it('edit: a changed value moves the key (old key deleted, topic tombstoned)', async () => {
    harness.standin.editAttribute('0f000000-0000-4000-8000-000000000001', { value: 'moved.evil.example' });
    expectOk(await sync());
    expect(await get('domain-new.evil.example')).toBeUndefined();
    expect((await get('domain-moved.evil.example'))?.value).toBe('Feed-RansomwareTracker');
    const topic = await readTopic(harness.iocTopic);
    expect(topic.has('domain-new.evil.example')).toBe(false);
    expect(topic.has('domain-moved.evil.example')).toBe(true);
  });

  it('tag change: an attribute tag adds a feed (comma-joined, sorted); an event tag renames it', async () => {
    harness.standin.editAttribute('0f000000-0000-4000-8000-000000000001', { tags: ['Feed-Alpha'] });
    expectOk(await sync());
    expect((await get('domain-moved.evil.example'))?.value).toBe('Feed-Alpha,Feed-RansomwareTracker');
    harness.standin.setEventTags(URSNIF_EVENT, ['Feed-Renamed']);
    expectOk(await sync());
    expect((await get(`domain-${DOMAIN_A.value}`))?.value).toBe('Feed-Renamed');
    expect((await get('domain-moved.evil.example'))?.value).toBe('Feed-Alpha,Feed-Renamed');
  });

  it('to_ids off removes the indicator', async () => {
    harness.standin.editAttribute(DOMAIN_B.uuid, { toIds: false });
    expect(expectOk(await sync()).removed).toBeGreaterThanOrEqual(1);
    expect(await get(`domain-${DOMAIN_B.value}`)).toBeUndefined();
  });

  it('soft delete with sanitised value removes the indicator by attribute uuid', async () => {
    harness.standin.softDeleteAttribute(DOMAIN_C.uuid, { sanitise: true });
    expectOk(await sync());
    expect(await get(`domain-${DOMAIN_C.value}`)).toBeUndefined();
    expect((await readTopic(harness.iocTopic)).has(`domain-${DOMAIN_C.value}`)).toBe(false);
  });

  it.each([
    ['500', 10],
    ['invalid-json', 10],
    ['wrong-envelope', 10],
    ['hang', 10],
    ['401', 1],
  ] as const)('MISP %s: the sync fails, nothing is removed, the sentinel keeps its time', async (fault, count) => {
    const before = await sentinel();
    const size = instance.pipeline.state.size;
    harness.standin.injectFault(fault, count);
    const outcome = await sync();
    harness.standin.clearFaults();
    expect(outcome.ok).toBe(false);
    expect(instance.pipeline.state.size).toBe(size);
    expect((await get(`domain-${DOMAIN_A.value}`))?.value).toBe('Feed-Renamed');
    expect((await sentinel())?.lastSuccessAt).toBe(before?.lastSuccessAt);
    expectOk(await sync());
  });

  it('hard delete: invisible incrementally, removed by the next full reconciliation', async () => {
    harness.standin.hardDeleteAttribute(DOMAIN_D.uuid);
    expectOk(await sync());
    expect(await get(`domain-${DOMAIN_D.value}`)).toBeDefined();
    // A second instance with a zero reconciliation interval: restored from Kafka, then a full pull.
    const reconciler = await harness.start({ MISP_FULL_SYNC_INTERVAL: '0' });
    await reconciler.pipeline.restore();
    expect(reconciler.pipeline.state.size).toBe(instance.pipeline.state.size);
    const outcome = await reconciler.pipeline.sync();
    expect(outcome).toMatchObject({ ok: true, mode: 'full' });
    expect(await get(`domain-${DOMAIN_D.value}`)).toBeUndefined();
    instance = reconciler;
  });

  it('the topic read from the start equals the current set, and memcached holds it', async () => {
    const topic = await readTopic(harness.iocTopic);
    const state = instance.pipeline.state;
    expect(topic.size).toBe(state.size);
    for (const record of state.values()) {
      expect(JSON.parse(topic.get(record.key) ?? 'null')).toEqual(record);
    }
    for (const key of [`domain-${DOMAIN_A.value}`, `sha1-${OBJECT_SHA1}`, 'domain-moved.evil.example']) {
      expect((await get(key))?.value).toBe(state.get(key)?.feeds.join(','));
    }
  });

  it('metrics count indicators by kind and feed, changes and MISP errors', async () => {
    const text = await instance.registry.metrics();
    expect(text).toMatch(/iocflow_misp_sync_indicators\{kind="domain",feed="Feed-Renamed"\} \d+/);
    expect(text).toMatch(/iocflow_misp_sync_changes_total\{change="removed"\} \d+/);
    expect(text).toMatch(/iocflow_misp_sync_last_success_timestamp_seconds \d+/);
  });

  it('used only the REST calls MISP documents (OpenAPI-valid request bodies)', async () => {
    // eslint-disable-next-line @nx/enforce-module-boundaries
    const { MispOpenApi } = await import('../../../../tools/misp-standin/src/openapi-validator');
    const spec = MispOpenApi.load();
    const searches = harness.standin.requests().filter((request) => request.path === '/attributes/restSearch');
    expect(searches.length).toBeGreaterThan(5);
    for (const request of searches) {
      expect(request.auth).toBe('ok');
      expect(spec.validateRequest('post', '/attributes/restSearch', request.body).errors).toEqual([]);
    }
  });
});
