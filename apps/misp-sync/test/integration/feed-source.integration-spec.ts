import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { KafkaTopicReader } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { MemcachedProcess, requireService, stackEndpoints, uniqueName } from '@iocflow/testing';
import { parseSyncSentinel, SYNC_SENTINEL_KEY } from '@iocflow/core';
import { Registry } from 'prom-client';
import { buildMispSync, closeMispSync, openMispSync, type MispSync } from '../../src/app.module';
import { feedSourceName, loadMispSyncConfig } from '../../src/misp-sync.config';
import { FIXTURES_DIR } from '../../src/sync/test-fixtures';
import { createHarness, rawGet, type Harness } from './misp-sync-harness';

const FEED_FIXTURE = path.join(FIXTURES_DIR, 'digitalside-misp-feed', 'digitalside-misp-feed');
const EVENT = '5ecea68b-9bc0-493b-9c23-7555c0a80102';
const MD5 = 'md5-1cd71d3bb891df0b251249da0cdcf7e1';
const IP = 'ip-98.159.99.222';
const URL_KEY = 'url-http://98.159.99.222/3306';
const REGIN_MD5 = 'md5-744c07e886497f7b68f6f7fe57b7ab54';
const REGIN_OTHER_MD5 = 'md5-47d0e8f9d7a6429920329207a32ecc2e';

/** The topic read from the start: key → last value, `null` for a tombstone (what a compacted reader sees last). */
async function lastValues(topic: string): Promise<Map<string, string | null>> {
  const reader = new KafkaTopicReader({ brokers: stackEndpoints().kafkaBrokers, clientId: 'feed-it-reader', logLevel: 'error' });
  const result = new Map<string, string | null>();
  await reader.read(topic, async (batch) => {
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8');
      if (key !== undefined) result.set(key, message.value === null ? null : message.value.toString('utf8'));
    }
  });
  return result;
}

/** A tiny static file server over a directory, with a request log (the feed "over HTTP"). */
async function serveDirectory(root: string): Promise<{ url: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/feed\//, ''));
    requests.push(name);
    readFile(path.join(root, path.basename(name)))
      .then((body) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(body))
      .catch(() => response.writeHead(404).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed/`, requests, server };
}

describe('misp-sync feed source (no MISP server)', () => {
  let memcached: MemcachedProcess;
  let dir: string;
  let topic: string;
  const instances: MispSync[] = [];

  beforeEach(async () => {
    await requireService('kafka');
    await requireService('memcached');
    memcached = await MemcachedProcess.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'iocflow-feed-it-'));
    topic = uniqueName('misp-sync-feed-it');
  });

  afterEach(async () => {
    for (const instance of instances.splice(0)) {
      await instance.runner.stop();
      await closeMispSync(instance.clients);
    }
    await memcached?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>) {
    const config = loadMispSyncConfig({
      KAFKA_BROKERS: stackEndpoints().kafkaBrokers,
      MEMCACHED_SERVERS: memcached.server,
      IOC_TOPIC: topic,
      MISP_RETRIES: '1',
      MISP_RETRY_BASE: '10ms',
      MISP_RETRY_MAX: '20ms',
      LOG_LEVEL: 'error',
      ...env,
    });
    const built = buildMispSync(config, new JsonLogger('misp-sync-feed-test', config.LOG_LEVEL), new Registry());
    await openMispSync(config, built.clients);
    instances.push(built);
    return { ...built, feed: feedSourceName(config) ?? '' };
  }

  async function copyFeed(): Promise<string> {
    const feedDir = path.join(dir, 'digitalside');
    await cp(FEED_FIXTURE, feedDir, { recursive: true });
    return feedDir;
  }

  /** Drop one attribute from the event file and bump the event's manifest timestamp (a feed update). */
  async function dropAttribute(feedDir: string, value: string): Promise<void> {
    const file = path.join(feedDir, `${EVENT}.json`);
    const json = JSON.parse(await readFile(file, 'utf8')) as { Event: { Attribute: { value: string }[]; timestamp: string } };
    json.Event.Attribute = json.Event.Attribute.filter((attribute) => attribute.value !== value);
    json.Event.timestamp = String(Number(json.Event.timestamp) + 60);
    await writeFile(file, JSON.stringify(json));
    const manifestFile = path.join(feedDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, { timestamp: string }>;
    const entry = manifest[EVENT];
    if (entry !== undefined) entry.timestamp = json.Event.timestamp;
    await writeFile(manifestFile, JSON.stringify(manifest));
  }

  it('MISP-format feed in a directory: first sync, an attribute dropped, then the event dropped → keys deleted and tombstoned', async () => {
    const feedDir = await copyFeed();
    const instance = await start({ FEED_URL: feedDir, FEED_NAME: 'Feed-DigitalSide' });
    expect(await instance.runner.runOnce()).toBe(true);
    // 16 urls, 16 ips, md5, sha1, sha256 (to_ids); the filename, mime-type and object attributes are not indicators.
    expect(instance.runner.lastSync).toMatchObject({ ok: true, mode: 'feed', added: 35 });
    for (const key of [MD5, IP, URL_KEY]) expect(await rawGet(memcached.server, key)).toEqual({ flags: 0, value: 'Feed-DigitalSide' });
    const record = JSON.parse((await lastValues(topic)).get(MD5) ?? '{}') as { attributes: Record<string, unknown>[] };
    expect(record.attributes[0]).toMatchObject({ source: 'feed:Feed-DigitalSide', eventUuid: EVENT, feeds: ['Feed-DigitalSide'], threatLevel: 'Medium', mispType: 'md5' });
    const sentinel = parseSyncSentinel((await rawGet(memcached.server, SYNC_SENTINEL_KEY))?.value);
    expect(sentinel?.extra).toMatchObject({ source: 'feed:Feed-DigitalSide', mode: 'feed' });

    // Incremental poll: only the changed event is read, and only its missing attribute is removed.
    await dropAttribute(feedDir, '1cd71d3bb891df0b251249da0cdcf7e1');
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, mode: 'feed', removed: 1, added: 0 });
    expect(await rawGet(memcached.server, MD5)).toBeUndefined();
    expect(await rawGet(memcached.server, IP)).toEqual({ flags: 0, value: 'Feed-DigitalSide' });
    expect((await lastValues(topic)).get(MD5)).toBeNull();

    // The event leaves the manifest (and its file goes): the whole feed is re-read and its keys removed.
    await writeFile(path.join(feedDir, 'manifest.json'), '{}');
    await unlink(path.join(feedDir, `${EVENT}.json`));
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: 34 });
    expect(instance.pipeline.state.size).toBe(0);
    for (const key of [IP, URL_KEY]) expect(await rawGet(memcached.server, key)).toBeUndefined();
    const topicNow = await lastValues(topic);
    expect([...topicNow.values()].every((value) => value === null)).toBe(true);
  });

  // Issue 11: one event file is one record — a missing one is skipped (its attributes stay), not a failed poll.
  it('a broken feed removes nothing: a garbage manifest fails the poll, a missing event file is skipped and keeps its attributes', async () => {
    const feedDir = await copyFeed();
    const instance = await start({ FEED_URL: `file://${feedDir}`, FEED_NAME: 'Feed-DigitalSide' });
    expect(await instance.runner.runOnce()).toBe(true);
    const keys = instance.pipeline.state.size;
    await writeFile(path.join(feedDir, 'manifest.json'), '<html>503 maintenance</html>');
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'FEED_BAD_CONTENT' }) });
    await cp(path.join(FEED_FIXTURE, 'manifest.json'), path.join(feedDir, 'manifest.json'));
    await unlink(path.join(feedDir, `${EVENT}.json`));
    const manifest = JSON.parse(await readFile(path.join(feedDir, 'manifest.json'), 'utf8')) as Record<string, { timestamp: string }>;
    manifest[EVENT] = { ...manifest[EVENT], timestamp: '1999999999' };
    await writeFile(path.join(feedDir, 'manifest.json'), JSON.stringify(manifest));
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: 0 });
    expect(instance.pipeline.state.size).toBe(keys);
    expect(await rawGet(memcached.server, MD5)).toEqual({ flags: 0, value: 'Feed-DigitalSide' });
  });

  it("CSV feed (MISP's CSV export): a line removed from the file → its key deleted and tombstoned", async () => {
    const file = path.join(dir, 'regin.csv');
    await cp(path.join(FIXTURES_DIR, 'misp', 'tests', 'event.csv'), file);
    const instance = await start({ FEED_URL: file, FEED_FORMAT: 'csv', FEED_NAME: 'Feed-Regin' });
    expect(await instance.runner.runOnce()).toBe(true);
    expect(instance.pipeline.state.size).toBe(27);
    expect(await rawGet(memcached.server, REGIN_MD5)).toEqual({ flags: 0, value: 'Feed-Regin' });

    // Unchanged file: nothing read into the pipeline, nothing changed.
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, attributes: 0, added: 0, removed: 0 });

    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.filter((line) => !line.includes('744c07e886497f7b68f6f7fe57b7ab54')).join('\n'));
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: 1, added: 0 });
    expect(await rawGet(memcached.server, REGIN_MD5)).toBeUndefined();
    expect(await rawGet(memcached.server, REGIN_OTHER_MD5)).toEqual({ flags: 0, value: 'Feed-Regin' });
    expect((await lastValues(topic)).get(REGIN_MD5)).toBeNull();
    expect(instance.pipeline.state.size).toBe(26);
  });

  it('the same MISP feed over HTTP: incremental polls read only the manifest, a dropped event is removed', async () => {
    const feedDir = await copyFeed();
    const http = await serveDirectory(feedDir);
    try {
      const instance = await start({ FEED_URL: `${http.url}manifest.json`, FEED_NAME: 'Feed-DigitalSide' });
      expect(await instance.runner.runOnce()).toBe(true);
      expect(http.requests).toEqual(['manifest.json', `${EVENT}.json`]);
      expect(await rawGet(memcached.server, URL_KEY)).toEqual({ flags: 0, value: 'Feed-DigitalSide' });

      http.requests.length = 0;
      expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, attributes: 0, added: 0, removed: 0 });
      expect(http.requests).toEqual(['manifest.json']);

      await writeFile(path.join(feedDir, 'manifest.json'), '{}');
      expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: 35 });
      expect(await rawGet(memcached.server, URL_KEY)).toBeUndefined();
      expect((await lastValues(topic)).get(URL_KEY)).toBeNull();

      // A server error is retried, then fails the poll without removing anything.
      http.server.close();
      expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'FEED_UNAVAILABLE' }) });
    } finally {
      http.server.close();
    }
  });

  it('freetext feed over HTTP: defanged indicators are refanged and typed', async () => {
    await writeFile(path.join(dir, 'report.txt'), '# IOCs\nPayload at hxxp://98.159.99[.]222/3306, C2 evil[.]example and 1cd71d3bb891df0b251249da0cdcf7e1.\n');
    const http = await serveDirectory(dir);
    try {
      const instance = await start({ FEED_URL: `${http.url}report.txt`, FEED_FORMAT: 'freetext', FEED_NAME: 'Feed-Report' });
      expect(await instance.runner.runOnce()).toBe(true);
      for (const key of [URL_KEY, 'domain-evil.example', MD5]) expect(await rawGet(memcached.server, key)).toEqual({ flags: 0, value: 'Feed-Report' });
    } finally {
      http.server.close();
    }
  });
});

describe('misp-sync with a MISP server and a feed at once', () => {
  const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835';
  const MISP_DOMAIN = 'domain-ooiasjdnqjwbeasdasd.com';
  let harness: Harness;
  let dir: string;

  beforeEach(async () => {
    harness = await createHarness();
    harness.standin.setEventTags(URSNIF_EVENT, ['Feed-RansomwareTracker']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'iocflow-feed-it-'));
    await cp(FEED_FIXTURE, dir, { recursive: true });
  });

  afterEach(async () => {
    await harness?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('each source reconciles only its own contributions; the sentinel waits for both; includeDecayScore is asked for', async () => {
    const instance = await harness.start({ FEED_URL: dir, FEED_NAME: 'Feed-DigitalSide', MISP_FULL_SYNC_INTERVAL: '0', MISP_INCLUDE_DECAY_SCORE: 'true' });
    expect(await instance.runner.runOnce()).toBe(true);
    expect(instance.runner.lastSyncOf('misp')).toMatchObject({ ok: true, mode: 'full' });
    expect(await rawGet(harness.memcached.server, MISP_DOMAIN)).toEqual({ flags: 0, value: 'Feed-RansomwareTracker' });
    // The stand-in MISP holds the DigitalSide event too (same attribute uuids, no Feed-* tag): one key,
    // two contributions, each tracked under its own source.
    expect(await rawGet(harness.memcached.server, MD5)).toEqual({ flags: 0, value: 'Feed-DigitalSide,misp' });
    const sentinel = parseSyncSentinel((await rawGet(harness.memcached.server, SYNC_SENTINEL_KEY))?.value);
    expect(Object.keys((sentinel?.extra['sources'] ?? {}) as object).sort()).toEqual(['feed:Feed-DigitalSide', 'misp']);

    // A MISP reconciliation (full pull) does not touch the feed's indicators…
    expect(await instance.runner.run('misp')).toMatchObject({ ok: true, mode: 'full', removed: 0, updated: 0 });
    expect(await rawGet(harness.memcached.server, MD5)).toEqual({ flags: 0, value: 'Feed-DigitalSide,misp' });
    // …and the feed's removals take away only its own contributions.
    await writeFile(path.join(dir, 'manifest.json'), '{}');
    const feedRun = await instance.runner.run('feed:Feed-DigitalSide');
    expect(feedRun).toMatchObject({ ok: true, removed: 0, updated: 35 });
    expect(await rawGet(harness.memcached.server, MD5)).toEqual({ flags: 0, value: 'misp' });
    expect(await rawGet(harness.memcached.server, MISP_DOMAIN)).toEqual({ flags: 0, value: 'Feed-RansomwareTracker' });

    // eslint-disable-next-line @nx/enforce-module-boundaries
    const { MispOpenApi } = await import('../../../../tools/misp-standin/src/openapi-validator');
    const spec = MispOpenApi.load();
    const searches = harness.standin.requests().filter((request) => request.path === '/attributes/restSearch');
    expect(searches.length).toBeGreaterThan(0);
    for (const request of searches) {
      expect(request.body).toMatchObject({ includeDecayScore: true });
      expect(spec.validateRequest('post', '/attributes/restSearch', request.body).errors).toEqual([]);
    }
  });
});
