import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readIndicatorRecord } from '@iocflow/core';
import { fixturesDir, pollUntil } from '@iocflow/testing';
// The enricher's own extraction and table (what table mode matches with), to show that an enriched
// event never matches what misp-sync filtered. Test-only cross-app import, like the stand-in's.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { IndicatorTable } from '../../../enricher/src/lookup/indicator-table';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { compileRules, extractObservables } from '../../../enricher/src/pipeline/extract-observables';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { DEFAULT_LOOKUP_RULES } from '../../../enricher/src/pipeline/lookup-rules';
import type { SyncOutcome } from '../../src/sync/sync.pipeline';
import { createHarness, MispStandin, rawGet, readTopic, type Harness } from './misp-sync-harness';

// Issue 15 against the real stack: the stand-in serves PyMISP's events with their recorded
// `published` flags (FALLCHILL is unpublished), an event tagged TLP:RED, the recorded 2016–2018
// attributes (old, and decayed under the stand-in's decaying model), and fresh attributes that are
// warninglisted, allowlisted or over-broad. Each step runs misp-sync as configured and checks
// memcached (plain text protocol), the topic, and what the enricher would match.

const URSNIF = '5b646415-7b48-40d5-86b4-c0070acd0835'; // sighting_1.json, published, 2018
const ASERT = '57153590-f73c-49fa-be4b-4737950d210f'; // long_event.json, published, 2016
const OLD_DOMAIN = 'domain-ooiasjdnqjwbeasdasd.com'; // Ursnif, 2018: past the 90-day domain age
const UNPUBLISHED_IP = 'ip-98.101.211.162'; // to_delete2.json (FALLCHILL), published: false
const RED_HASH = 'sha256-185fc01ec8adbaa94da741c4c1cf1b83185ae63899f14ce9949553c5dac3ecf6'; // ASERT
const OLD_HASH = 'sha256-d560f44188fb56d3abb11d9508e1167329470de19b811163eb1167534722e666'; // to_delete1.json (SunOrcal), published, 2017
const OLD_IP = 'ip-98.126.156.210'; // SunOrcal, 2017: past the 30-day ip age
const FRESH_DOMAIN = 'domain-fresh-c2.evil-test.net';
const FRESH_IP = 'ip-185.220.101.77';
const REFUSED: Readonly<Record<string, string>> = {
  'ip-10.20.30.40': 'warninglist',
  'ip-0.0.0.0/0': 'broad_ip_range',
  'ip-::/0': 'broad_ip_range',
  'domain-co.uk': 'public_suffix',
  'domain-github.io': 'public_suffix',
  'domain-intranet.corp-allow.test': 'allowlist',
};

describe('misp-sync selection, expiry and false-positive control (issue 15)', () => {
  let harness: Harness;
  const get = (key: string) => rawGet(harness.memcached.server, key);
  const present = async (keys: readonly string[]) => Promise.all(keys.map(async (key) => [key, (await get(key)) !== undefined] as const));
  const expectOk = (outcome: SyncOutcome) => {
    if (!outcome.ok) throw new Error(`sync failed: ${String(outcome.error)}`);
    return outcome;
  };
  /** A fresh instance (a restart with other settings): restored from Kafka, then one run. */
  const runWith = async (env: Record<string, string>) => {
    const instance = await harness.start(env);
    await instance.pipeline.restore();
    return { instance, outcome: expectOk(await instance.pipeline.sync()) };
  };

  beforeAll(async () => {
    harness = await createHarness(new MispStandin({ recordedPublishedFlags: true }), { IOC_ALLOWLIST: 'corp-allow.test', IOC_EXPIRY: 'true' });
    harness.standin.setEventTags(URSNIF, ['Feed-Ursnif']);
    harness.standin.setEventTags(ASERT, ['Feed-ASERT', 'tlp:red']);
    for (const [type, value] of [
      ['domain', 'fresh-c2.evil-test.net'],
      ['ip-dst', '185.220.101.77'],
      ['ip-dst', '10.20.30.40'],
      ['ip-dst', '0.0.0.0/0'],
      ['ip-dst', '::/0'],
      ['ip-src', '::ffff:0:0/96'],
      ['domain', 'co.uk'],
      ['domain', 'github.io'],
      ['domain', 'intranet.corp-allow.test'],
    ] as const) {
      harness.standin.addAttribute(URSNIF, { type, value });
    }
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('defaults: takes published, non-RED, recent attributes; refuses over-broad, warninglisted and allowlisted ones, counted by reason', async () => {
    const { instance } = await runWith({});
    expect(await present([FRESH_DOMAIN, FRESH_IP, OLD_HASH])).toEqual([FRESH_DOMAIN, FRESH_IP, OLD_HASH].map((key) => [key, true]));
    expect(await present([UNPUBLISHED_IP, RED_HASH, OLD_DOMAIN, OLD_IP, ...Object.keys(REFUSED)])).toEqual([UNPUBLISHED_IP, RED_HASH, OLD_DOMAIN, OLD_IP, ...Object.keys(REFUSED)].map((key) => [key, false]));
    const metrics = await instance.registry.metrics();
    for (const [reason, count] of [['broad_ip_range', 3], ['public_suffix', 2], ['allowlist', 1]] as const) {
      expect(metrics).toContain(`iocflow_misp_sync_indicators_refused_total{source="misp",reason="${reason}"} ${count}`);
    }
    expect(metrics).toMatch(/iocflow_misp_sync_indicators_refused_total\{source="misp",reason="warninglist"\} [1-9]/);
    expect(metrics).toMatch(/iocflow_misp_sync_indicators_refused_total\{source="misp",reason="expired"\} [1-9]/);
    // MISP applied the selection: only published events, nothing tagged TLP:RED was sent.
    const search = harness.standin.requests().filter((request) => request.path === '/attributes/restSearch').at(-1);
    expect(search?.body).toMatchObject({ published: true, tags: ['!tlp:red'] });
  });

  it('the topic records carry expiresAt: the last change plus the kind’s maximum age; hashes never expire', async () => {
    const topic = await readTopic(harness.iocTopic);
    const record = (key: string) => {
      const read = readIndicatorRecord(key, topic.get(key) ?? '');
      if (!read.ok) throw new Error(`${key}: ${read.reason}`);
      return read.record;
    };
    const ageOf = (key: string) => (Date.parse(record(key).expiresAt ?? '') / 1000 - Math.max(...record(key).attributes.map((attribute) => attribute.timestamp))) / 86_400;
    expect(ageOf(FRESH_DOMAIN)).toBe(90);
    expect(ageOf(FRESH_IP)).toBe(30);
    expect(record(OLD_HASH).expiresAt).toBeUndefined();
  });

  it('an enriched event never matches what was filtered (the enricher’s extraction and table, built from the topic)', async () => {
    const table = new IndicatorTable();
    for (const [key, text] of await readTopic(harness.iocTopic)) {
      const read = readIndicatorRecord(key, text);
      if (read.ok) table.apply(key, read.record);
    }
    const rules = compileRules(DEFAULT_LOOKUP_RULES, true);
    const matchOf = (event: Record<string, unknown>) => {
      const extracted = extractObservables(event, rules, 100);
      if (!extracted.ok) throw new Error(extracted.rejection.message);
      return extracted.observations.map((observation) => table.lookup(observation)?.indicator).find((indicator) => indicator !== undefined);
    };
    for (const event of [
      { source: { ip: '10.20.30.40' } },
      { destination: { ip: '8.8.8.8' } }, // inside 0.0.0.0/0
      { destination: { ip: '2001:4860:4860::8888' } }, // inside ::/0
      { dns: { question: { name: 'pages.github.io' } } },
      { url: { full: 'https://www.bbc.co.uk/news' } },
      { destination: { domain: 'intranet.corp-allow.test' } },
      { destination: { ip: '98.101.211.162' } }, // unpublished
      { destination: { domain: 'ooiasjdnqjwbeasdasd.com' } }, // expired
    ]) {
      expect([event, matchOf(event)]).toEqual([event, undefined]);
    }
    expect(matchOf({ dns: { question: { name: 'www.fresh-c2.evil-test.net' } } })).toBe('fresh-c2.evil-test.net');
  });

  it('a relaxed selection takes the unpublished, TLP:RED and old attributes; the refusals stay', async () => {
    await runWith({ MISP_PUBLISHED_ONLY: 'false', MISP_MAX_TLP: 'red', IOC_EXPIRY: 'false', MISP_FULL_SYNC_INTERVAL: '0' });
    expect(await present([UNPUBLISHED_IP, RED_HASH, OLD_DOMAIN, OLD_IP])).toEqual([UNPUBLISHED_IP, RED_HASH, OLD_DOMAIN, OLD_IP].map((key) => [key, true]));
    expect((await present(Object.keys(REFUSED))).filter(([, found]) => found)).toEqual([]);
  });

  it('back to the defaults: at the next reconciliation what no longer qualifies is removed like a deletion (memcached delete, tombstone)', async () => {
    const { outcome } = await runWith({ MISP_FULL_SYNC_INTERVAL: '0' });
    expect(outcome.mode).toBe('full');
    const gone = [UNPUBLISHED_IP, RED_HASH, OLD_DOMAIN, OLD_IP];
    expect(await present(gone)).toEqual(gone.map((key) => [key, false]));
    const topic = await readTopic(harness.iocTopic);
    expect(gone.filter((key) => topic.has(key))).toEqual([]);
    expect(await present([FRESH_DOMAIN, FRESH_IP, OLD_HASH])).toEqual([FRESH_DOMAIN, FRESH_IP, OLD_HASH].map((key) => [key, true]));
  });

  it('expiry while running: an incremental run removes an ip once past its (here 2 s) maximum age', async () => {
    const instance = await harness.start({ IOC_MAX_AGE_IP: '2s', IOC_EXPIRY_CHECK_INTERVAL: '0' });
    await instance.pipeline.restore();
    await pollUntil(
      async () => {
        const outcome = expectOk(await instance.pipeline.sync());
        expect(outcome.mode).toBe('incremental');
        return (await get(FRESH_IP)) === undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, description: `${FRESH_IP} expired` },
    );
    expect((await readTopic(harness.iocTopic)).has(FRESH_IP)).toBe(false);
    expect(await get(FRESH_DOMAIN)).toBeDefined();
  });

  it('decay: with MISP_EXCLUDE_DECAYED, MISP leaves out what its model decayed and reconciliation removes it', async () => {
    const { outcome } = await runWith({ IOC_EXPIRY: 'false', MISP_EXCLUDE_DECAYED: 'true', MISP_FULL_SYNC_INTERVAL: '0' });
    expect(outcome.mode).toBe('full');
    // The 2017 hash never expires by age, but the stand-in's 30-day model decayed it long ago.
    expect(await get(OLD_HASH)).toBeUndefined();
    expect(await get(FRESH_DOMAIN)).toBeDefined();
    const search = harness.standin.requests().filter((request) => request.path === '/attributes/restSearch').at(-1);
    expect(search?.body).toMatchObject({ excludeDecayed: true, includeDecayScore: true });
  });

  it('feeds alike: a freetext feed’s over-broad, warninglisted and public-suffix values are refused; a MISP feed’s unpublished event is not taken', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'iocflow-i15-'));
    try {
      const file = path.join(dir, 'report.txt');
      await writeFile(file, '# a defanged report\nevil-feed[.]example[.]org\n10.1.1.1\n0.0.0.0/0\ngithub[.]io\n');
      const freetext = await harness.start({ FEED_URL: file, FEED_FORMAT: 'freetext', FEED_NAME: 'Feed-Report' });
      await freetext.pipeline.restore();
      expect(await freetext.runner.runOnce()).toBe(true);
      expect(await present(['domain-evil-feed.example.org', 'ip-10.1.1.1', 'ip-0.0.0.0/0', 'domain-github.io'])).toEqual([
        ['domain-evil-feed.example.org', true],
        ['ip-10.1.1.1', false],
        ['ip-0.0.0.0/0', false],
        ['domain-github.io', false],
      ]);
      expect(await freetext.registry.metrics()).toContain('iocflow_misp_sync_indicators_refused_total{source="feed:Feed-Report",reason="public_suffix"} 1');
      // PyMISP's events as a MISP feed (test/fixtures/derived/misp-feed): Xorist is published, Qakbot/Emotet is not.
      const mispFeed = await harness.start({ FEED_URL: path.join(fixturesDir(), 'derived', 'misp-feed'), FEED_NAME: 'Feed-OSINT', IOC_EXPIRY: 'false' });
      await mispFeed.pipeline.restore();
      expect(await mispFeed.runner.runOnce()).toBe(true);
      expect(await get('md5-0749bae92ca336a02c83d126e04ec628')).toEqual({ flags: 0, value: 'Feed-OSINT' });
      expect(await get('sha256-da00823090dae3dae452ddc8a4c2a3c087389b4aacf1f0c12d13c83c9fcaef9c')).toBeUndefined();
      expect(await mispFeed.registry.metrics()).toMatch(/iocflow_misp_sync_attributes_deselected_total\{source="feed:Feed-OSINT",reason="unpublished"\} [1-9]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sent only OpenAPI-valid restSearch requests', async () => {
    // eslint-disable-next-line @nx/enforce-module-boundaries
    const { MispOpenApi } = await import('../../../../tools/misp-standin/src/openapi-validator');
    const spec = MispOpenApi.load();
    for (const request of harness.standin.requests().filter((entry) => entry.path === '/attributes/restSearch')) {
      expect(spec.validateRequest('post', '/attributes/restSearch', request.body).errors).toEqual([]);
    }
  });
});
