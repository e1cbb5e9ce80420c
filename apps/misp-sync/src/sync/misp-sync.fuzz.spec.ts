import fc from 'fast-check';
import { isSupportedMispType, parseMispAttribute, parseSyncSentinel, SUPPORTED_MISP_TYPES, type IndicatorRecord, type MispAttribute } from '@iocflow/core';
import { LINEAR_BUDGET_MS, cpuMs, fuzzRuns, hostileJson, hostileString, longRun } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { extractFreetextValues } from './feed/extract-freetext-values';
import { feedEventAttributes } from './feed/feed-event-attributes';
import { parseCsvFeed } from './feed/parse-csv-feed';
import { parseFeedManifest } from './feed/parse-feed-manifest';
import { MAX_EVENT_INFO_CHARS, MAX_FEEDS_PER_ATTRIBUTE, MAX_TAGS_PER_ATTRIBUTE } from './indicator-limits';
import { parseMispNotification } from './parse-misp-notification';
import { SyncMetrics } from './sync.metrics';
import { SyncPipeline } from './sync.pipeline';
import type { AttributePage, IndicatorStorePort } from './sync-ports';
import { toAttributeUpdate } from './to-attribute-update';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const UUID = fc.uuid().map((uuid) => uuid.toLowerCase());

/** A MISP restSearch attribute as JSON, its fields hostile or of the wrong type. */
const hostileAttributeJson = fc.record(
  {
    id: fc.oneof(fc.nat().map(String), hostileJson),
    event_id: fc.oneof(fc.nat().map(String), hostileJson),
    uuid: fc.oneof(UUID, hostileString()),
    type: fc.oneof(fc.constantFrom(...SUPPORTED_MISP_TYPES, 'link', 'comment'), hostileString()),
    value: fc.oneof(hostileString(), fc.domain(), fc.ipV4(), fc.webUrl()),
    timestamp: fc.oneof(fc.integer({ min: 0, max: NOW / 1000 + 7200 }).map(String), fc.constantFrom('99999999999999999999', '-1', '1e9', ''), hostileJson),
    to_ids: fc.oneof(fc.boolean(), fc.constantFrom('0', '1', 'yes'), hostileJson),
    deleted: fc.oneof(fc.boolean(), hostileJson),
    first_seen: fc.oneof(fc.constant(null), hostileString()),
    Tag: fc.oneof(fc.array(fc.record({ name: fc.oneof(hostileString(300), fc.constant('Feed-A')), inherited: fc.constantFrom(0, 1) }), { maxLength: 80 }), hostileJson),
    Event: fc.oneof(fc.record({ id: fc.constant('1'), uuid: UUID, info: fc.oneof(hostileString(), fc.string({ minLength: 1000, maxLength: 70_000 })) }), hostileJson),
    decay_score: hostileJson,
  },
  { requiredKeys: [] },
);

const parsedAttributes = fc.array(hostileAttributeJson, { maxLength: 12 }).map((items) =>
  items.flatMap((item): MispAttribute[] => {
    const parsed = parseMispAttribute(item);
    return parsed.ok ? [parsed.attribute] : [];
  }),
);

// Issue 11, deliverable 4: every per-attribute entry point of misp-sync on arbitrary input.
describe('misp-sync on arbitrary attributes and feed content (fast-check)', () => {
  it('parseMispAttribute answers an attribute or a reason, and an accepted timestamp is a safe integer', () => {
    fc.assert(
      fc.property(fc.oneof(hostileAttributeJson, hostileJson), (json) => {
        const parsed = parseMispAttribute(json);
        if (parsed.ok) expect(Number.isSafeInteger(parsed.attribute.timestamp)).toBe(true);
        else expect(typeof parsed.reason).toBe('string');
      }),
      fuzzRuns(11_010, 500),
    );
  });

  it('toAttributeUpdate keeps every contribution within its limits', () => {
    fc.assert(
      fc.property(parsedAttributes, (attributes) => {
        for (const attribute of attributes) {
          for (const entry of toAttributeUpdate(attribute, { feedTagPattern: 'Feed-*', defaultFeed: 'misp' }).entries) {
            expect(entry.contribution.eventInfo.length).toBeLessThanOrEqual(MAX_EVENT_INFO_CHARS);
            expect(entry.contribution.tags.length).toBeLessThanOrEqual(MAX_TAGS_PER_ATTRIBUTE);
            expect(entry.contribution.feeds.length).toBeLessThanOrEqual(MAX_FEEDS_PER_ATTRIBUTE);
            expect(entry.value.length).toBeLessThanOrEqual(32_768);
          }
        }
      }),
      fuzzRuns(11_011, 200),
    );
  });

  it('a sync of arbitrary pages succeeds, syncs every ordinary attribute mixed in, and writes nothing over its limits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(parsedAttributes, { minLength: 1, maxLength: 4 }), async (pages) => {
        const ordinary = pages.map((_, i): MispAttribute => ({ ...(parseMispAttribute({ id: '1', event_id: '1', uuid: `66666666-6666-4666-8666-${String(i).padStart(12, '0')}`, type: 'domain', value: `ordinary-${i}.example`, timestamp: '1700000000', to_ids: true }) as { attribute: MispAttribute }).attribute }));
        const published: IndicatorRecord[] = [];
        const freshness: string[] = [];
        const stored = new Map<string, string>();
        const store: IndicatorStorePort = {
          apply: async (diff) => void diff.sets.forEach((value, key) => stored.set(key, value)),
          writeSentinel: async () => undefined,
          checkAndRepair: async () => undefined,
        };
        const pipeline = new SyncPipeline(
          {
            source: {
              async *pages(): AsyncIterable<AttributePage> {
                for (let i = 0; i < pages.length; i++) yield { attributes: [...(pages[i] ?? []), ordinary[i] as MispAttribute] };
              },
              async *pagesByUuid(): AsyncIterable<AttributePage> {
                yield* [];
              },
            },
            store,
            changes: {
              publish: async (records) => void published.push(...records.flatMap((record) => (record.value === null ? [] : [record.value]))),
              publishFreshness: async (sentinel) => void freshness.push(sentinel),
            },
            syncState: { restore: async () => ({}), saveCursor: async () => undefined },
            metrics: new SyncMetrics(new Registry()),
            logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
            now: () => NOW,
          },
          { feedRules: { feedTagPattern: 'Feed-*', defaultFeed: 'misp' }, lookbackMs: 0, fullSyncIntervalMs: 3_600_000, clockSkewMarginSec: 120, progressIntervalMs: 60_000, seedCompat: true, maxRecordBytes: 64 * 1024, maxStoreValueBytes: 4096 },
        );
        await pipeline.restore();
        expect(await pipeline.sync()).toMatchObject({ ok: true });
        for (let i = 0; i < pages.length; i++) expect(stored.has(`domain-ordinary-${i}.example`)).toBe(true);
        for (const record of published) expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(64 * 1024);
        for (const [key, value] of stored) expect(key.length + Buffer.byteLength(value)).toBeLessThanOrEqual(4096);
        // Issue 12's freshness record: written after the sync whatever the attributes held, and readable.
        expect(freshness.length).toBeGreaterThan(0);
        for (const sentinel of freshness) expect(parseSyncSentinel(sentinel)?.sources?.['misp']?.lastSuccessAt).toBe(new Date(NOW).toISOString());
      }),
      fuzzRuns(11_012, 100),
    );
  }, 60_000);

  it('the feed readers answer arbitrary content with values or skips, never an exception, and every value has a supported type', () => {
    const text = fc.oneof(hostileString(400), fc.array(fc.oneof(hostileString(40), fc.constantFrom('"', '""', ',', '\n', '#', 'evil.example', '1.2.3.4')), { maxLength: 60 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(text, fc.constantFrom('auto', 'domain', 'ip-dst', 'url', 'md5', 'nonsense'), fc.nat(4), (content, valueType, column) => {
        for (const value of [...parseCsvFeed(content, { column, valueType }).values, ...extractFreetextValues(content, valueType)]) expect(isSupportedMispType(value.type)).toBe(true);
      }),
      fuzzRuns(11_013, 400),
    );
    fc.assert(
      fc.property(fc.oneof(hostileJson, fc.record({ Event: fc.record({ uuid: UUID, Attribute: fc.array(fc.oneof(hostileAttributeJson, hostileJson), { maxLength: 6 }), Object: hostileJson, Tag: hostileJson }) })), (json) => {
        const event = feedEventAttributes(json, 'feed:x');
        if (event.ok) for (const attribute of event.attributes) expect(Number.isSafeInteger(attribute.timestamp)).toBe(true);
        const manifest = parseFeedManifest(json);
        expect(typeof manifest.ok).toBe('boolean');
        expect(parseMispNotification(JSON.stringify(json) ?? '')?.attributeUuid ?? '').toMatch(/^([0-9a-f-]{36})?$/);
      }),
      fuzzRuns(11_014, 400),
    );
  });

  it('the feed readers run in linear time on 100,000-character adversarial content', () => {
    const inputs = [
      `a${'"'.repeat(100_000)}`,
      // trimming the field at every quote scanned the leading spaces again each time: 2.3 s
      `${' '.repeat(50_000)}x${'"'.repeat(50_000)}`,
      `${':'.repeat(100_000)}x`,
      `${'.'.repeat(100_000)}evil`,
      `${'hxxp://evil[.]'.repeat(7_000)}`,
      `${'a,'.repeat(50_000)}`,
      `${'"a""'.repeat(25_000)}`,
      `${'#'.repeat(100_000)}`,
      `${'\n'.repeat(100_000)}`,
    ];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...inputs), longRun), (content) => {
        const ms = cpuMs(() => {
          parseCsvFeed(content, { column: 0, valueType: 'auto' });
          extractFreetextValues(content, 'auto');
        });
        expect(ms).toBeLessThan(LINEAR_BUDGET_MS * 2);
      }),
      fuzzRuns(11_015, 30),
    );
  });
});
