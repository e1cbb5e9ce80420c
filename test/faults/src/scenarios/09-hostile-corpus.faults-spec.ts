/**
 * Scenario 9 (issue 11): no single hostile input stops a service. Every hostile case of issue 11
 * sits between ordinary events and ordinary attributes, through the real services:
 *
 *   MISP (stand-in, within MISP's API)   a 131,071-character uri, a url six times longer once
 *                                        normalised, a domain with a memcached command, attributes
 *                                        dated in the year 3000 and at 10^20, an event info of
 *                                        65,535 characters on one value in 17 attributes (a 1.1 MB
 *                                        record before) and one in 450 (over IOC_MAX_RECORD_BYTES),
 *                                        an attribute with 100 feed tags
 *   indicator topic (another producer)   `"attributes":[null]`, not JSON, an unknown kind, and 20
 *                                        indicators carrying 64 KiB of event info each
 *   raw-logs                             5,000- and 100,000-deep events (one under a `threat`
 *                                        key: the JSON.stringify poison pill), more observables
 *                                        than the cap with the only hit beyond it, an event whose
 *                                        enrichment pushes it past the record limit (set to
 *                                        900,000 bytes here), one that is over it on its own, 20
 *                                        hits with 64 KiB descriptions, a
 *                                        pre-enriched event, `__proto__`, a lone surrogate
 *   enriched-logs (another producer)     a 5,000-deep multi-line event (re-serialised with
 *                                        JSON.stringify before), a pretty-printed one
 *
 * Checked: ordinary events before and after each hostile one are enriched right and indexed;
 * every hostile event is indexed or dead-lettered with its reason; misp-sync syncs every other
 * attribute and goes on syncing (attributes added afterwards arrive); no service restarts (same
 * pid, live, no consumer crashed for good).
 */
import { MemcachedClient } from '@iocflow/io';
import { addHostileAttributes, hostileEvent, hostileExpectations } from '@iocflow/misp-standin';
import { pollUntil, uniqueName } from '@iocflow/testing';
import { FaultStack, type RunningService } from '../support/fault-stack';
import { generateEvents, type PlannedEvent } from '../support/load-generator';
import { expectNothingLostNothingFalse, finishScenario } from '../support/scenario';

const FEED = 'Feed-RansomwareTracker';

function gauge(metrics: string, name: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function counter(metrics: string, name: string, labels: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) if (line.startsWith(`${name}{`) && line.includes(labels)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

describe('scenario 9: a hostile corpus through the real services (issue 11)', () => {
  let stack: FaultStack;

  afterEach(async () => {
    await stack?.close();
  });

  it('contains every hostile input to itself: ordinary events and attributes around them flow, nothing restarts', async () => {
    const ns = uniqueName('hc').toLowerCase();
    const event = hostileEvent(ns);
    const eventUuid = (event['Event'] as { uuid: string }).uuid;
    stack = await FaultStack.create({ name: 'hostile-corpus', rawPartitions: 2, standinDocuments: [event] });
    addHostileAttributes(stack.standin, eventUuid, ns);
    const cache = new MemcachedClient({ servers: [stack.memcached.server] });
    const known = stack.indicators.map((indicator) => indicator.domain);
    try {
      // --- misp-sync: the hostile MISP content among the ordinary indicators ---
      const sync = await stack.start('misp-sync', { MISP_POLL_INTERVAL: '2s', IOC_MAX_RECORD_BYTES: String(512 * 1024) });
      const expectations = hostileExpectations(ns);
      // A sync run must succeed (before issue 11 the oversized records failed every run for good: no sentinel, the enricher held)
      await pollUntil(async () => gauge(await stack.metrics(sync), 'iocflow_misp_sync_last_success_timestamp_seconds') > 0, { timeoutMs: 60_000, intervalMs: 500, description: 'a misp-sync run succeeded' });
      await pollUntil(async () => (await cache.getMany([...known.map((domain) => `domain-${domain}`), ...expectations.stored.map((entry) => entry.key)])).size === known.length + expectations.stored.length, {
        timeoutMs: 90_000,
        intervalMs: 500,
        description: 'misp-sync stored every ordinary indicator and the hostile ones it must keep',
      });
      for (const { key, feeds } of expectations.stored) expect({ key, feeds: (await cache.get(key))?.split(',').length }).toEqual({ key, feeds });
      expect([...(await cache.getMany(expectations.absent)).keys()]).toEqual([]);
      // ... and goes on syncing: attributes added now arrive too
      const late = Array.from({ length: 5 }, (_, i) => `late-${i}.${ns}.test`);
      for (const domain of late) stack.standin.addAttribute(eventUuid, { type: 'domain', value: domain, toIds: true, tags: ['Feed-Late'] });
      await pollUntil(async () => (await cache.getMany(late.map((domain) => `domain-${domain}`))).size === late.length, { timeoutMs: 60_000, intervalMs: 500, description: 'attributes added after the hostile ones synced' });
      const syncMetrics = await stack.metrics(sync);
      expect({
        future: counter(syncMetrics, 'iocflow_misp_sync_attributes_skipped_total', 'reason="future_timestamp"') > 0,
        invalid: counter(syncMetrics, 'iocflow_misp_sync_attributes_skipped_total', 'reason="invalid"') > 0,
        invalidValue: counter(syncMetrics, 'iocflow_misp_sync_attributes_skipped_total', 'reason="invalid_value"') >= 3,
        eventInfo: counter(syncMetrics, 'iocflow_misp_sync_limits_applied_total', 'limit="event_info"') > 0,
        feeds: counter(syncMetrics, 'iocflow_misp_sync_limits_applied_total', 'limit="feeds"') > 0,
        recordCapped: counter(syncMetrics, 'iocflow_misp_sync_limits_applied_total', 'limit="record_attributes"') > 0,
      }).toEqual({ future: true, invalid: true, invalidValue: true, eventInfo: true, feeds: true, recordCapped: true });

      // --- the indicator topic: hostile records from another producer, before the table loads ---
      const longInfo = Array.from({ length: 20 }, (_, i) => `longinfo-${i}.${ns}.test`);
      const record = (domain: string, info: string) =>
        JSON.stringify({
          key: `domain-${domain}`,
          kind: 'domain',
          value: domain,
          feeds: ['Feed-LongInfo'],
          attributes: [{ attributeUuid: `77777777-7777-4777-8777-${String(longInfo.indexOf(domain)).padStart(12, '0')}`, mispType: 'domain', eventUuid: eventUuid, eventInfo: info, feeds: ['Feed-LongInfo'], tags: [], toIds: true, timestamp: 1 }],
          updatedAt: new Date().toISOString(),
        });
      await stack.produceTo(stack.topics.iocs, [
        { key: `domain-null.${ns}.test`, value: JSON.stringify({ key: `domain-null.${ns}.test`, kind: 'domain', value: `null.${ns}.test`, feeds: ['X'], attributes: [null], updatedAt: 'x' }) },
        { key: `domain-text.${ns}.test`, value: 'not json' },
        { key: `regkey-x.${ns}`, value: JSON.stringify({ key: `regkey-x.${ns}`, kind: 'regkey', value: 'x', feeds: [], attributes: [], updatedAt: 'x' }) },
        ...longInfo.map((domain) => ({ key: `domain-${domain}`, value: record(domain, 'i'.repeat(64 * 1024)) })),
      ]);

      // A record limit below the topic's (1 MiB), so that the over-limit cases fit the raw topic.
      const enricher = await stack.start('enricher', { ENRICHER_LOOKUP_MODE: 'table', ENRICHER_MAX_RECORD_BYTES: '900000' });
      const indexer = await stack.start('indexer');
      const pids = { sync: sync.process.pid, enricher: enricher.process.pid, indexer: indexer.process.pid };

      // --- raw-logs: hostile events between ordinary ones ---
      const id = (what: string) => `${stack.id}-hostile-${what}`;
      const json = (what: string, fields: Record<string, unknown>) => JSON.stringify({ '@timestamp': new Date().toISOString(), event: { id: id(what) }, ...fields });
      const benign = Array.from({ length: 299 }, (_, i) => `benign-${i}.${ns}.example`);
      const hostile: PlannedEvent[] = [
        { id: id('deep-5000-threat'), value: `{"event":{"id":"${id('deep-5000-threat')}"},"threat":{"x":1},"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, expected: { kind: 'dead-letter' } },
        { id: id('deep-100000'), value: `{"event":{"id":"${id('deep-100000')}"},"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, expected: { kind: 'dead-letter' } },
        { id: id('hit-beyond-cap'), value: json('hit-beyond-cap', { related: { hosts: [...benign, known[0]] } }), expected: { kind: 'indexed', mispSrc: 'unknown' } },
        { id: id('hit-before-cap'), value: json('hit-before-cap', { related: { hosts: [known[1], ...benign] } }), expected: { kind: 'indexed', mispSrc: FEED } },
        { id: id('long-descriptions'), value: json('long-descriptions', { related: { hosts: longInfo } }), expected: { kind: 'indexed', mispSrc: 'Feed-LongInfo' } },
        { id: id('trimmed'), value: json('trimmed', { related: { hosts: known }, message: 'm'.repeat(885_000) }), expected: { kind: 'indexed', mispSrc: FEED } },
        { id: id('over-record-limit'), value: json('over-record-limit', { destination: { domain: known[2] }, message: 'm'.repeat(905_000) }), expected: { kind: 'dead-letter' } },
        {
          id: id('pre-enriched'),
          value: json('pre-enriched', { misp_src: 'none', misp_partial: { observables_unchecked: 3 }, threat: { enrichments: [{ indicator: { provider: 'misp', name: 'stale' } }] }, destination: { domain: known[3] } }),
          expected: { kind: 'indexed', mispSrc: FEED },
        },
        { id: id('proto'), value: `{"@timestamp":"${new Date().toISOString()}","event":{"id":"${id('proto')}"},"__proto__":{"misp_src":"x"},"destination":{"domain":"${known[4]}"}}`, expected: { kind: 'either', mispSrc: FEED } },
        { id: id('lone-surrogate'), value: `{"event":{"id":"${id('lone-surrogate')}"},"message":"\\ud800 \\udfff"}`, expected: { kind: 'either', mispSrc: 'none' } },
        { id: id('late-hit'), value: json('late-hit', { dns: { question: { name: `www.${late[0]}` } } }), expected: { kind: 'indexed', mispSrc: 'Feed-Hostile,Feed-Late' } },
      ];
      const ordinary = generateEvents(stack.id, 440, stack.indicators);
      const planned: PlannedEvent[] = [];
      hostile.forEach((event, i) => planned.push(...ordinary.slice(i * 40, (i + 1) * 40), event));
      // One record per send: a record the broker refused must not take ordinary neighbours with it.
      await stack.produce(planned, 1);

      // --- enriched-logs: hostile records from another producer, for the indexer alone ---
      const direct: PlannedEvent[] = [
        { id: id('indexer-deep'), value: `{"@timestamp":"${new Date().toISOString()}",\n"event":{"id":"${id('indexer-deep')}"},\n"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`, expected: { kind: 'dead-letter' } },
        { id: id('indexer-pretty'), value: JSON.stringify({ '@timestamp': new Date().toISOString(), event: { id: id('indexer-pretty') }, misp_src: 'none', n: 1 }, null, 2), expected: { kind: 'indexed', mispSrc: 'none' } },
      ];
      await stack.produceTo(stack.topics.enriched, direct.map((event) => ({ key: event.id, value: event.value, id: event.id })));

      const all = [...planned, ...direct];
      const result = await finishScenario(stack, all, { scenario: `9 hostile corpus (${hostile.length + direct.length} hostile events + ${ordinary.length} ordinary; hostile MISP and indicator-topic content)`, notes: 'enricher in table mode' });
      expectNothingLostNothingFalse(result);

      const letters = await stack.deadLetters();
      const reason = (what: string) => letters.find((letter) => letter.id === id(what))?.reason;
      expect({ deep: reason('deep-5000-threat'), deeper: reason('deep-100000'), over: reason('over-record-limit'), indexer: reason('indexer-deep') }).toEqual({
        deep: 'too_deep',
        deeper: 'too_deep',
        over: 'output_too_large',
        indexer: 'unindexable',
      });
      const [trimmed] = await stack.documents(id('trimmed'));
      expect({ feeds: trimmed?.['misp_src'], omitted: ((trimmed?.['misp_partial'] as { enrichments_omitted?: number } | undefined)?.enrichments_omitted ?? 0) > 0 }).toEqual({ feeds: FEED, omitted: true });
      const [beyond] = await stack.documents(id('hit-beyond-cap'));
      expect(beyond?.['misp_partial']).toEqual({ observables_unchecked: 44 });
      const [described] = await stack.documents(id('long-descriptions'));
      const enrichments = (described?.['threat'] as { enrichments: { indicator: { description: string } }[] }).enrichments;
      expect(Math.max(...enrichments.map((entry) => entry.indicator.description.length))).toBe(1024);

      // --- nothing restarted, nothing is dead inside a live process ---
      const services: RunningService[] = [sync, enricher, indexer];
      expect({ sync: sync.process.pid, enricher: enricher.process.pid, indexer: indexer.process.pid }).toEqual(pids);
      for (const service of services) {
        expect({ service: service.app, running: service.process.running, live: (await fetch(`http://127.0.0.1:${service.port}/health/live`)).status }).toEqual({ service: service.app, running: true, live: 200 });
      }
      expect(stack.kafkaRecoveryNotes()).not.toMatch(/crashed for good [1-9]/);
      expect(counter(await stack.metrics(enricher), 'iocflow_enricher_table_records_ignored_total', 'reason=')).toBe(3);
    } finally {
      await cache.close();
    }
  });
});
