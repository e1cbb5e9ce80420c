import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { KafkaTopicReader } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { MemcachedProcess, pollUntil, requireService, stackEndpoints, uniqueName, writeMispFeed } from '@iocflow/testing';
import { parseSyncSentinel, SYNC_SENTINEL_KEY } from '@iocflow/core';
import { Registry } from 'prom-client';
import { buildMispSync, closeMispSync, openMispSync, type MispSync } from '../../src/misp-sync.runtime';
import { feedSourceName, loadMispSyncConfig } from '../../src/misp-sync.config';
import { FIXTURES_DIR } from '../test-fixtures';
import { createHarness, deleteRunTopics, rawGet, type Harness } from './misp-sync-harness';

// A MISP feed of three PyMISP events, and the Sednit event as MISP's CSV export (test/fixtures/SOURCES.md, "Derived").
const FEED_FIXTURE = path.join(FIXTURES_DIR, 'derived', 'misp-feed');
const CSV_FIXTURE = path.join(FIXTURES_DIR, 'derived', 'misp-csv', '5a3c2fcd-8328-42bb-a95e-4f4402de0b81.csv');
/** The feed's Qakbot/Emotet event: an md5 and an ip-dst at the top level, an ip-dst inside an ip-port object. */
const EVENT = '5a0ac036-6fbc-4855-83af-422b950d210f';
const MD5 = 'md5-5aa9fa89cee3ffc4c3009e34db830de0';
const IP = 'ip-104.236.252.178';
const OBJECT_IP = 'ip-64.183.173.170';
/** Keys of the whole feed: Qakbot/Emotet 58 (43 ip, 5 each of md5, sha1, sha256), Xorist 3 hashes, Cerber 4 (url, domain, sha1, sha256). */
const FEED_KEYS = 65;
const CSV_DOMAIN = 'domain-movieultimate.com';
const CSV_OTHER_DOMAIN = 'domain-servicecdp.com';

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
    if (topic !== undefined) await deleteRunTopics([topic]);
  });

  async function start(env: Record<string, string>) {
    const config = loadMispSyncConfig({
      KAFKA_BROKERS: stackEndpoints().kafkaBrokers,
      MEMCACHED_SERVERS: memcached.server,
      IOC_TOPIC: topic,
      MISP_RETRIES: '1',
      MISP_RETRY_BASE: '10ms',
      MISP_RETRY_MAX: '20ms',
      // Feed mechanics only: the derived feed's Qakbot event is unpublished and every event is from
      // 2016–2017, so selection and expiry (issue 15, selection.integration-spec.ts) are off here.
      MISP_PUBLISHED_ONLY: 'false',
      IOC_EXPIRY: 'false',
      LOG_LEVEL: 'error',
      ...env,
    });
    const built = buildMispSync(config, new JsonLogger('misp-sync-feed-test', config.LOG_LEVEL), new Registry());
    await openMispSync(config, built.clients);
    instances.push(built);
    return { ...built, feed: feedSourceName(config) ?? '' };
  }

  async function copyFeed(): Promise<string> {
    const feedDir = path.join(dir, 'misp-feed');
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
    const instance = await start({ FEED_URL: feedDir, FEED_NAME: 'Feed-OSINT' });
    expect(await instance.runner.runOnce()).toBe(true);
    // ip-dst (object ones included) and hashes with to_ids; links, filenames, regkeys, ports and texts are not indicators.
    expect(instance.runner.lastSync).toMatchObject({ ok: true, mode: 'feed', added: FEED_KEYS });
    for (const key of [MD5, IP, OBJECT_IP]) expect(await rawGet(memcached.server, key)).toEqual({ flags: 0, value: 'Feed-OSINT' });
    const record = JSON.parse((await lastValues(topic)).get(MD5) ?? '{}') as { attributes: Record<string, unknown>[] };
    // Issue 15: the event's tlp:white tag becomes the record's TLP marking (ECS marking.tlp in table mode).
    expect(record.attributes[0]).toMatchObject({ source: 'feed:Feed-OSINT', eventUuid: EVENT, feeds: ['Feed-OSINT'], threatLevel: 'Low', tlp: 'WHITE', mispType: 'md5' });
    const sentinel = parseSyncSentinel((await rawGet(memcached.server, SYNC_SENTINEL_KEY))?.value);
    expect(sentinel?.extra).toMatchObject({ source: 'feed:Feed-OSINT', mode: 'feed' });

    // Incremental poll: only the changed event is read, and only its missing attribute is removed.
    await dropAttribute(feedDir, '5aa9fa89cee3ffc4c3009e34db830de0');
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, mode: 'feed', removed: 1, added: 0 });
    expect(await rawGet(memcached.server, MD5)).toBeUndefined();
    expect(await rawGet(memcached.server, IP)).toEqual({ flags: 0, value: 'Feed-OSINT' });
    expect((await lastValues(topic)).get(MD5)).toBeNull();

    // The events leave the manifest (and one file goes): the whole feed is re-read and its keys removed.
    await writeFile(path.join(feedDir, 'manifest.json'), '{}');
    await unlink(path.join(feedDir, `${EVENT}.json`));
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: FEED_KEYS - 1 });
    expect(instance.pipeline.state.size).toBe(0);
    for (const key of [IP, OBJECT_IP]) expect(await rawGet(memcached.server, key)).toBeUndefined();
    const topicNow = await lastValues(topic);
    expect([...topicNow].filter(([key]) => key !== SYNC_SENTINEL_KEY).every(([, value]) => value === null)).toBe(true);
  });

  // Issue 11: one event file is one record — a missing one is skipped (its attributes stay), not a failed poll.
  it('a broken feed removes nothing: a garbage manifest fails the poll, a missing event file is skipped and keeps its attributes', async () => {
    const feedDir = await copyFeed();
    const instance = await start({ FEED_URL: `file://${feedDir}`, FEED_NAME: 'Feed-OSINT' });
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
    expect(await rawGet(memcached.server, MD5)).toEqual({ flags: 0, value: 'Feed-OSINT' });
  });

  it("CSV feed (MISP's CSV export): a line removed from the file → its key deleted and tombstoned", async () => {
    const file = path.join(dir, 'sednit.csv');
    await cp(CSV_FIXTURE, file);
    const instance = await start({ FEED_URL: file, FEED_FORMAT: 'csv', FEED_NAME: 'Feed-Sednit' });
    expect(await instance.runner.runOnce()).toBe(true);
    // 68 lines with to_ids and a type we match (parse-csv-feed.spec.ts): 37 sha1, 18 domains and 11 ips once each.
    const keys = instance.pipeline.state.size;
    expect(keys).toBe(66);
    expect(await rawGet(memcached.server, CSV_DOMAIN)).toEqual({ flags: 0, value: 'Feed-Sednit' });

    // Unchanged file: nothing read into the pipeline, nothing changed.
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, attributes: 0, added: 0, removed: 0 });

    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.filter((line) => !line.includes('"movieultimate.com"')).join('\n'));
    expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: 1, added: 0 });
    expect(await rawGet(memcached.server, CSV_DOMAIN)).toBeUndefined();
    expect(await rawGet(memcached.server, CSV_OTHER_DOMAIN)).toEqual({ flags: 0, value: 'Feed-Sednit' });
    expect((await lastValues(topic)).get(CSV_DOMAIN)).toBeNull();
    expect(instance.pipeline.state.size).toBe(keys - 1);
  });

  it('the same MISP feed over HTTP: incremental polls read only the manifest, a dropped event is removed', async () => {
    const feedDir = await copyFeed();
    const http = await serveDirectory(feedDir);
    try {
      const instance = await start({ FEED_URL: `${http.url}manifest.json`, FEED_NAME: 'Feed-OSINT' });
      expect(await instance.runner.runOnce()).toBe(true);
      const manifest = JSON.parse(await readFile(path.join(feedDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      expect(http.requests[0]).toBe('manifest.json');
      expect(http.requests.slice(1).sort()).toEqual(Object.keys(manifest).map((uuid) => `${uuid}.json`).sort());
      expect(await rawGet(memcached.server, OBJECT_IP)).toEqual({ flags: 0, value: 'Feed-OSINT' });

      http.requests.length = 0;
      expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, attributes: 0, added: 0, removed: 0 });
      expect(http.requests).toEqual(['manifest.json']);

      await writeFile(path.join(feedDir, 'manifest.json'), '{}');
      expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: true, removed: FEED_KEYS });
      expect(await rawGet(memcached.server, OBJECT_IP)).toBeUndefined();
      expect((await lastValues(topic)).get(OBJECT_IP)).toBeNull();

      // A server error is retried, then fails the poll without removing anything.
      http.server.close();
      expect(await instance.runner.run(instance.feed)).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'FEED_UNAVAILABLE' }) });
    } finally {
      http.server.close();
    }
  });

  it('a long feed read is a heartbeat: the sentinel (memcached and topic) carries its progress while it runs, and loses it when the read fails', async () => {
    const events = Array.from({ length: 5 }, (_, i) => ({
      uuid: `5ecea68b-0000-4000-8000-00000000000${i}`,
      info: `slow event ${i}`,
      timestamp: 1_700_000_000,
      attributes: [{ uuid: `5ecea68b-1000-4000-8000-00000000000${i}`, type: 'domain', value: `slow${i}.example` }],
    }));
    await writeMispFeed(dir, events);
    // Event files answer after `delayMs`; once `pass` of them were answered, the next one waits
    // for `gate` and then answers 500 if `failHeld` (the manifest always answers at once). The
    // held file keeps the read running until the test has seen its heartbeat: a read left to
    // finish on its own (2 s) could end before a slow poll of the topic saw it running.
    const control = { delayMs: 0, pass: Number.POSITIVE_INFINITY, gate: Promise.resolve(), failHeld: false };
    const hold = (fail: boolean): (() => void) => {
      let release = (): void => undefined;
      control.gate = new Promise<void>((resolve) => (release = resolve));
      control.pass = events.length - 1;
      control.failHeld = fail;
      return release;
    };
    const server = createServer((request, response) => {
      const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
      const answer = (fail: boolean): void => {
        if (fail) return void response.writeHead(500).end('boom');
        readFile(path.join(dir, name))
          .then((body) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(body))
          .catch(() => response.writeHead(404).end('not found'));
      };
      if (name === 'manifest.json') return answer(false);
      const held = control.pass-- <= 0;
      setTimeout(() => (held ? void control.gate.then(() => answer(control.failHeld)) : answer(false)), control.delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed/manifest.json`;
      // Every poll reads every event (one page per attribute), a heartbeat at most every 100 ms.
      const instance = await start({ FEED_URL: url, FEED_NAME: 'Feed-Slow', FEED_FULL_READ_EVERY: '1', FEED_CONCURRENCY: '1', MISP_PAGE_SIZE: '1', MISP_RETRIES: '0', SYNC_HEARTBEAT_INTERVAL: '100ms' });
      expect(await instance.runner.runOnce()).toBe(true);
      const schedule = async (fromTopic = false) => {
        const text = fromTopic ? (await lastValues(topic)).get(SYNC_SENTINEL_KEY) : (await rawGet(memcached.server, SYNC_SENTINEL_KEY))?.value;
        return parseSyncSentinel(text ?? undefined)?.sources?.['feed:Feed-Slow'];
      };
      const first = await schedule();
      expect(first).toEqual({ lastSuccessAt: expect.any(String), intervalMs: 3_600_000 });

      // A slow read: its start and progress show up while it runs, in memcached and on the topic.
      control.delayMs = 400;
      const releaseSlow = hold(false);
      const slow = instance.runner.run(instance.feed);
      const during = await pollUntil(
        async () => {
          const now = await schedule();
          return now?.progressAt === undefined ? false : now;
        },
        { timeoutMs: 10_000, description: 'a heartbeat with progress' },
      );
      expect(during).toEqual({ lastSuccessAt: first?.lastSuccessAt, intervalMs: 3_600_000, runStartedAt: expect.any(String), progressAt: expect.any(String) });
      expect(Date.parse(during?.runStartedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(first?.lastSuccessAt ?? ''));
      await pollUntil(async () => (await schedule(true))?.progressAt !== undefined, { timeoutMs: 10_000, description: 'the heartbeat on the topic' });
      releaseSlow();
      expect(await slow).toMatchObject({ ok: true });
      const after = await schedule();
      expect(after).toEqual({ lastSuccessAt: expect.any(String), intervalMs: 3_600_000 });
      expect(Date.parse(after?.lastSuccessAt ?? '')).toBeGreaterThan(Date.parse(first?.lastSuccessAt ?? ''));

      // A read that fails after some progress: the marks go, the last success stays.
      const releaseFailure = hold(true);
      const failing = instance.runner.run(instance.feed);
      await pollUntil(async () => (await schedule())?.progressAt !== undefined, { timeoutMs: 10_000, description: 'a heartbeat of the failing read' });
      releaseFailure();
      expect(await failing).toMatchObject({ ok: false });
      expect(await schedule()).toEqual(after);
      expect(await schedule(true)).toEqual(after);
    } finally {
      server.close();
    }
  });

  it('freetext feed over HTTP: defanged indicators are refanged and typed', async () => {
    await writeFile(path.join(dir, 'report.txt'), '# IOCs\nPayload at hxxp://64.183.173[.]170/995, C2 evil[.]example and 5aa9fa89cee3ffc4c3009e34db830de0.\n');
    const http = await serveDirectory(dir);
    try {
      const instance = await start({ FEED_URL: `${http.url}report.txt`, FEED_FORMAT: 'freetext', FEED_NAME: 'Feed-Report' });
      expect(await instance.runner.runOnce()).toBe(true);
      for (const key of ['url-http://64.183.173.170/995', 'domain-evil.example', MD5]) expect(await rawGet(memcached.server, key)).toEqual({ flags: 0, value: 'Feed-Report' });
    } finally {
      http.server.close();
    }
  });
});

describe('misp-sync with a MISP server and a feed at once', () => {
  const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835';
  const MISP_DOMAIN = 'domain-ooiasjdnqjwbeasdasd.com';
  const XORIST_MD5 = 'md5-0749bae92ca336a02c83d126e04ec628';
  let harness: Harness;
  let dir: string;

  beforeEach(async () => {
    harness = await createHarness(undefined, { MISP_PUBLISHED_ONLY: 'false' });
    harness.standin.setEventTags(URSNIF_EVENT, ['Feed-RansomwareTracker']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'iocflow-feed-it-'));
    await cp(FEED_FIXTURE, dir, { recursive: true });
  });

  afterEach(async () => {
    await harness?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('each source reconciles only its own contributions; the sentinel waits for both; includeDecayScore is asked for', async () => {
    const instance = await harness.start({ FEED_URL: dir, FEED_NAME: 'Feed-OSINT', MISP_FULL_SYNC_INTERVAL: '0', MISP_INCLUDE_DECAY_SCORE: 'true' });
    expect(await instance.runner.runOnce()).toBe(true);
    expect(instance.runner.lastSyncOf('misp')).toMatchObject({ ok: true, mode: 'full' });
    expect(await rawGet(harness.memcached.server, MISP_DOMAIN)).toEqual({ flags: 0, value: 'Feed-RansomwareTracker' });
    // The stand-in MISP holds the feed's Qakbot/Emotet and Cerber events too (same attribute uuids, no
    // Feed-* tag): one key, two contributions, each tracked under its own source. Xorist is only in the feed.
    expect(await rawGet(harness.memcached.server, MD5)).toEqual({ flags: 0, value: 'Feed-OSINT,misp' });
    expect(await rawGet(harness.memcached.server, XORIST_MD5)).toEqual({ flags: 0, value: 'Feed-OSINT' });
    const sentinel = parseSyncSentinel((await rawGet(harness.memcached.server, SYNC_SENTINEL_KEY))?.value);
    // Each source with its own poll interval: readers judge each against its own schedule.
    expect(sentinel?.sources).toEqual({
      misp: { lastSuccessAt: expect.any(String), intervalMs: 60_000 },
      'feed:Feed-OSINT': { lastSuccessAt: expect.any(String), intervalMs: 3_600_000 },
    });
    expect(sentinel?.lastSuccessAt).toBe([sentinel?.sources?.['misp']?.lastSuccessAt, sentinel?.sources?.['feed:Feed-OSINT']?.lastSuccessAt].sort()[0]);

    // A MISP reconciliation (full pull) does not touch the feed's indicators…
    expect(await instance.runner.run('misp')).toMatchObject({ ok: true, mode: 'full', removed: 0, updated: 0 });
    expect(await rawGet(harness.memcached.server, MD5)).toEqual({ flags: 0, value: 'Feed-OSINT,misp' });
    // …and the feed's removals take away only its own contributions: Xorist's 3 keys go, the 62 shared ones keep MISP's.
    await writeFile(path.join(dir, 'manifest.json'), '{}');
    const feedRun = await instance.runner.run('feed:Feed-OSINT');
    expect(feedRun).toMatchObject({ ok: true, removed: 3, updated: FEED_KEYS - 3 });
    expect(await rawGet(harness.memcached.server, MD5)).toEqual({ flags: 0, value: 'misp' });
    expect(await rawGet(harness.memcached.server, XORIST_MD5)).toBeUndefined();
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
