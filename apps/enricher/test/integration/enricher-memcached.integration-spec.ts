import { readFileSync } from 'node:fs';
import { lookupKey, normaliseValue } from '@iocflow/core';
import { MemcachedClient } from '@iocflow/io';
import { fixturePath, MemcachedProcess, pollUntil, requireService, zeekLogAsEcs } from '@iocflow/testing';
import type { Registry } from 'prom-client';
import type { EnricherRuntime } from '../../src/enricher.runtime';
import { DEAD_LETTER_HEADERS } from '../../src/pipeline/enricher.pipeline';
import { DEFAULT_LOOKUP_RULES } from '../../src/pipeline/lookup-rules';
import { counterValues, createTopics, deleteTopics, enricherConfig, produce, record, runNames, seedMemcached, startEnricher, TopicCollector } from './enricher-harness';

// Real logs (test/fixtures): Zeek's own dns.log as ECS — its first 17 records: mDNS, then the
// wikimedia.org lookups, each A/AAAA query beside its NXDOMAIN search-suffix twin
// (upload.wikimedia.org.ncsa.uiuc.edu) —, filebeat's nginx documents (flattened ECS) and Suricata EVE.
const zeekDns = zeekLogAsEcs(readFileSync(fixturePath('zeek/testing/btest/Baseline/opt.basic/dns.log'), 'utf8')).slice(0, 17);
const nginx = JSON.parse(readFileSync(fixturePath('elastic-beats/filebeat/module/nginx/access/test/test.log-expected.json'), 'utf8')) as object[];
const eve = readFileSync(fixturePath('tenzir/integration/data/suricata/eve.json'), 'utf8').split('\n').filter((line) => line.trim().length > 0);

/** Suricata EVE is not ECS: configured rules map its fields, on top of the ECS defaults. */
const RULES = JSON.stringify([
  ...DEFAULT_LOOKUP_RULES,
  { fields: ['src_ip', 'dest_ip'], kind: 'ip' },
  { fields: ['dns.rrname', 'http.hostname', 'quic.sni'], kind: 'domain' },
  'md5-%{[fileinfo][md5]}',
]);

const LONG_URL = `http://long.example/${'p'.repeat(300)}`;

describe('enricher, memcached mode, against real Kafka and memcached', () => {
  const names = runNames('enr-mc');
  let memcached: MemcachedProcess;
  let client: MemcachedClient;
  let collector: TopicCollector;
  let runtime: EnricherRuntime;
  let registry: Registry;
  const canaryKey = `canary-${names.group}`;

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    // A private memcached: the sentinel key is global, and this suite must not disturb other runs.
    memcached = await MemcachedProcess.start();
    client = new MemcachedClient({ servers: memcached.server });
    await seedMemcached(client, {
      'domain-wikimedia.org': 'Feed-ItA',
      'ip-208.80.152.2': 'Feed-ItB,Feed-ItC',
      'ip-85.181.35.98': 'Feed-ItB',
      'domain-media.org': 'Feed-Boundary',
      'md5-70041821acf87389e40ddcb092004184': 'Feed-Hash',
      'domain-irc.freenode.net': 'Feed-Irc',
      [lookupKey('url', normaliseValue('url', LONG_URL) as string)]: 'Feed-Long',
      [canaryKey]: 'alive',
    });
    await createTopics(names);
    collector = new TopicCollector([names.enriched, names.dlq]);
    ({ runtime, registry } = await startEnricher(enricherConfig(names, memcached.server, { ENRICHER_LOOKUP_RULES: RULES, ENRICHER_MAX_EVENT_BYTES: '16384' })));
    await collector.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await collector?.stop();
    await client?.close();
    await memcached?.stop();
    await deleteTopics(names);
  });

  it('enriches real ECS and EVE logs end to end: hits with feeds and ECS enrichments, misses as "none", key and headers kept', async () => {
    await produce([
      ...zeekDns.map((doc, i) => record(names.raw, `zeek-${i}`, JSON.stringify(doc), { source: 'zeek' })),
      ...nginx.map((doc, i) => record(names.raw, `nginx-${i}`, JSON.stringify(doc))),
      ...eve.map((line, i) => record(names.raw, `eve-${i}`, line)),
      record(names.raw, 'long-url', JSON.stringify({ url: { full: LONG_URL } })),
    ]);
    const total = zeekDns.length + nginx.length + eve.length + 1;
    await collector.waitFor(names.enriched, total);
    const byKey = new Map(collector.of(names.enriched).map((m) => [String(m.key), m]));
    const src = (key: string): unknown => JSON.parse(String(byKey.get(key)?.value)).misp_src;

    // zeek: mDNS misses; parent-domain hits (upload/meta.wikimedia.org → wikimedia.org); the search-suffix
    // twins contain wikimedia.org but are not under it (…ncsa.uiuc.edu): misses; label boundary:
    // wikimedia.org ≠ media.org; the last one also resolved to a listed address: the feeds of both hits.
    const W = 'Feed-ItA';
    expect(zeekDns.map((_, i) => src(`zeek-${i}`))).toEqual(['none', 'none', 'none', W, 'none', W, W, 'none', W, W, 'none', W, W, 'none', W, W, 'Feed-ItA,Feed-ItB,Feed-ItC']);
    const zeek5 = JSON.parse(String(byKey.get('zeek-5')?.value));
    expect(zeek5.threat.enrichments).toEqual([
      {
        indicator: { type: 'domain-name', provider: 'misp', name: 'wikimedia.org', url: { domain: 'wikimedia.org' } },
        feed: { name: 'Feed-ItA' },
        matched: { atomic: 'upload.wikimedia.org', field: 'dns.question.name', type: 'indicator_match_rule' },
      },
    ]);
    // The rest of the event is untouched.
    const { misp_src: _src, threat: _threat, ...rest } = zeek5;
    expect(rest).toEqual(zeekDns[5]);
    expect(byKey.get('zeek-5')?.headers['source']?.toString()).toBe('zeek');
    const zeek16 = JSON.parse(String(byKey.get('zeek-16')?.value));
    expect(zeek16.threat.enrichments.map((e: { matched: { field: string; atomic: string } }) => `${e.matched.field} = ${e.matched.atomic}`)).toEqual([
      'dns.question.name = meta.wikimedia.org',
      'related.ip = 208.80.152.2',
    ]);

    // nginx (dotted keys): source.ip hits on two lines.
    expect(nginx.map((_, i) => src(`nginx-${i}`))).toEqual(['none', 'none', 'Feed-ItB', 'Feed-ItB', 'none', 'none', 'none']);

    // Suricata EVE through configured rules: dns.rrname and fileinfo md5.
    expect(eve.map((_, i) => src(`eve-${i}`))).toEqual(['none', 'Feed-Irc', 'Feed-Hash', 'none', 'none', 'none', 'none']);
    expect(JSON.parse(String(byKey.get('eve-2')?.value)).threat.enrichments[0].indicator).toEqual({
      type: 'file',
      provider: 'misp',
      name: '70041821acf87389e40ddcb092004184',
      file: { hash: { md5: '70041821acf87389e40ddcb092004184' } },
    });

    // A value too long for a memcached key is looked up under its hashed key and still hits.
    expect(src('long-url')).toBe('Feed-Long');
  });

  it('dead-letters bad input with stage, reason and source headers, and the counters reconcile', async () => {
    await produce([
      record(names.raw, 'bad-text', 'GET / HTTP/1.1', { trace: 'abc' }),
      record(names.raw, 'bad-array', '[1,2]'),
      record(names.raw, 'bad-type', '{"source":{"ip":42}}'),
      record(names.raw, 'bad-size', JSON.stringify({ message: 'x'.repeat(20_000) })),
      record(names.raw, 'bad-null', null),
      record(names.raw, 'bad-threat', '{"threat":"high","source":{"ip":"1.2.3.4"}}'),
    ]);
    await collector.waitFor(names.dlq, 6);
    const dead = new Map(collector.of(names.dlq).map((m) => [String(m.key), m]));
    const reasons = Object.fromEntries([...dead].map(([key, m]) => [key, m.headers[DEAD_LETTER_HEADERS.reason]?.toString()]));
    expect(reasons).toEqual({ 'bad-text': 'not_json', 'bad-array': 'not_object', 'bad-type': 'field_type', 'bad-size': 'too_large', 'bad-null': 'empty_value', 'bad-threat': 'field_type' });
    const stages = Object.fromEntries([...dead].map(([key, m]) => [key, m.headers[DEAD_LETTER_HEADERS.stage]?.toString()]));
    expect(stages).toEqual({ 'bad-text': 'parse', 'bad-array': 'parse', 'bad-type': 'extract', 'bad-size': 'parse', 'bad-null': 'parse', 'bad-threat': 'extract' });
    const text = dead.get('bad-text');
    expect(String(text?.value)).toBe('GET / HTTP/1.1');
    expect(text?.headers['trace']?.toString()).toBe('abc');
    expect(text?.headers[DEAD_LETTER_HEADERS.topic]?.toString()).toBe(names.raw);
    expect(Number(text?.headers[DEAD_LETTER_HEADERS.partition]?.toString())).toBeGreaterThanOrEqual(0);
    expect(text?.headers[DEAD_LETTER_HEADERS.offset]?.toString()).toMatch(/^\d+$/);
    expect(text?.headers[DEAD_LETTER_HEADERS.message]?.toString().length).toBeGreaterThan(0);

    const enriched = collector.of(names.enriched).length;
    const deadLettered = collector.of(names.dlq).length;
    // The counters move once the broker acknowledged the send, which the collector can read
    // before: wait until they caught up with what the collector holds, then reconcile.
    const counted = async (name: string): Promise<number> => Object.values(await counterValues(registry, name)).reduce((a, b) => a + b, 0);
    await pollUntil(async () => (await counted('iocflow_enricher_dead_letters_total')) >= deadLettered && (await counted('iocflow_enricher_events_out_total')) >= enriched, { description: 'the counters caught up with the topics' });
    const eventsIn = (await counterValues(registry, 'iocflow_enricher_events_in_total'))['total'];
    const out = Object.values(await counterValues(registry, 'iocflow_enricher_events_out_total')).reduce((a, b) => a + b, 0);
    const dlq = Object.values(await counterValues(registry, 'iocflow_enricher_dead_letters_total')).reduce((a, b) => a + b, 0);
    expect(eventsIn).toBe(out + dlq);
    expect(out).toBe(enriched);
    expect(dlq).toBe(deadLettered);
    // the counter's stage,reason pairs are the headers' (other tests of this file dead-letter nothing)
    expect(await counterValues(registry, 'iocflow_enricher_dead_letters_total')).toEqual({ 'parse,not_json': 1, 'parse,not_object': 1, 'parse,too_large': 1, 'parse,empty_value': 1, 'extract,field_type': 2 });
  });

  it('never lets a field value reach memcached as a command: x\\r\\nflush_all leaves the canary in place', async () => {
    const before = await client.stats();
    await produce([
      record(names.raw, 'inject-domain', JSON.stringify({ destination: { domain: 'x\r\nflush_all' }, source: { domain: 'x\r\nflush_all\r\n' } })),
      record(names.raw, 'inject-url', JSON.stringify({ url: { full: 'http://evil.com/\r\nflush_all\r\n', domain: 'a b\r\nflush_all' } })),
      record(names.raw, 'inject-email', JSON.stringify({ email: { from: { address: 'x\r\nflush_all@evil.com' } } })),
    ]);
    await collector.waitFor(names.enriched, collector.of(names.enriched).length + 3);
    const outputs = collector.of(names.enriched).filter((m) => String(m.key).startsWith('inject-'));
    expect(outputs).toHaveLength(3);
    for (const output of outputs) expect(JSON.parse(String(output.value)).misp_src).toBe('none');
    expect(await client.get(canaryKey)).toBe('alive');
    const after = await client.stats();
    expect(after['cmd_flush']).toBe(before['cmd_flush']);
    expect(after['cmd_flush']).toBe('0');
    // The client refuses such a key outright: the last line of defence.
    await expect(client.getMany(['x\r\nflush_all'])).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });
});
