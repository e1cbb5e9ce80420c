import fc from 'fast-check';
import { SYNC_SENTINEL_KEY } from '@iocflow/core';
import { fuzzRuns, hostileJson, hostileString } from '@iocflow/testing';
import { freshnessRecord, indicatorRecord, type TopicRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import type { IgnoredRecordReason } from './indicator-topic-follower';
import { StoreUnavailableError } from './store-unavailable.error';
import { TableIndicatorLookup } from './table.lookup';

const T = Date.parse('2025-06-01T12:00:00Z');
const minute = 60_000;
const iso = (ms: number): string => new Date(T + ms).toISOString();
const fresh = (): TopicRecord => freshnessRecord({ misp: { lastSuccessAt: iso(0), intervalMs: minute } });

function setup(records: TopicRecord[] = [indicatorRecord('domain', 'evil.example', ['Feed-A'])], events = {}) {
  const reader = new RecordedTopicReader(records);
  let now = T;
  const lookup = new TableIndicatorLookup('iocs', () => reader, { maxStalenessMs: 15 * minute, now: () => now }, events);
  return { reader, lookup, setNow: (ms: number) => (now = T + ms) };
}

async function refusal(promise: Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(StoreUnavailableError);
  return error as StoreUnavailableError;
}

const query = { kind: 'domain' as const, value: 'a.evil.example', parents: true };

describe('TableIndicatorLookup: the freshness record on the IOC topic guards the table', () => {
  it('is loading until the topic was read, then refuses without a freshness record (STORE_EMPTY)', async () => {
    const { lookup } = setup();
    expect((await refusal(lookup.resolve([query]))).code).toBe('STORE_LOADING');
    await lookup.reload();
    const refused = await refusal(lookup.resolve([query]));
    expect(refused.code).toBe('STORE_EMPTY');
    expect(refused.message).toContain('freshness record missing');
    expect(lookup.status()).toMatchObject({ usable: false });
  });

  it('answers while every source is within its own schedule — an hourly feed 45 min after its poll included', async () => {
    const { lookup, setNow } = setup([indicatorRecord('domain', 'evil.example', ['Feed-A']), freshnessRecord({ 'feed:A': { lastSuccessAt: iso(0), intervalMs: 60 * minute } })]);
    await lookup.reload();
    setNow(45 * minute);
    expect(await lookup.resolve([query])).toEqual([expect.objectContaining({ indicator: 'evil.example', feeds: ['Feed-A'] })]);
    expect(lookup.status()).toEqual({ usable: true });
    expect(lookup.freshness()).toEqual([expect.objectContaining({ source: 'feed:A', state: 'fresh' })]);
  });

  it('refuses (STORE_STALE, naming the source) once misp-sync stopped writing and a source missed its schedule; a new record heals it', async () => {
    const { reader, lookup, setNow } = setup([indicatorRecord('domain', 'evil.example', ['Feed-A']), freshnessRecord({ misp: { lastSuccessAt: iso(0), intervalMs: minute }, 'feed:A': { lastSuccessAt: iso(0), intervalMs: 60 * minute } })]);
    await lookup.reload();
    setNow(16 * minute + 1);
    const refused = await refusal(lookup.resolve([query]));
    expect(refused.code).toBe('STORE_STALE');
    expect(refused.message).toContain('source misp missed its schedule');
    expect(refused.message).not.toContain('feed:A');
    expect(lookup.status()).toEqual({ usable: false, reason: expect.stringContaining('source misp missed its schedule') });
    // misp-sync is back: its next success arrives on the followed topic.
    await reader.push([freshnessRecord({ misp: { lastSuccessAt: iso(16 * minute), intervalMs: minute }, 'feed:A': { lastSuccessAt: iso(0), intervalMs: 60 * minute } })]);
    expect(await lookup.resolve([query])).toHaveLength(1);
  });

  it('the freshness record is never an indicator', async () => {
    const { lookup } = setup([freshnessRecord({ misp: { lastSuccessAt: iso(0), intervalMs: minute } })]);
    await lookup.reload();
    expect(lookup.size).toBe(0);
  });
});

describe('TableIndicatorLookup: one record never stops a load (issue 11)', () => {
  const domain = (value: string, feed = 'Feed-A'): TopicRecord => indicatorRecord('domain', value, [feed]);
  const withValue = (record: TopicRecord, change: (value: Record<string, unknown>) => Record<string, unknown>): TopicRecord => ({
    key: record.key,
    value: JSON.stringify(change(JSON.parse(record.value ?? 'null') as Record<string, unknown>)),
  });

  // `"attributes":[null]` threw in the loader, so the table never loaded and every batch was held.
  it('skips records it cannot use, each with a reason and its offset, and loads the rest', async () => {
    const range = indicatorRecord('ip', '10.0.0.0/8', ['Feed-R']);
    const hostile: TopicRecord[] = [
      domain('a.example'),
      withValue(domain('null.example'), (value) => ({ ...value, attributes: [null] })),
      { key: 'domain-text.example', value: 'not json' },
      withValue({ key: 'ip-10.0.0.0/33', value: range.value }, (value) => ({ ...value, key: 'ip-10.0.0.0/33', value: '10.0.0.0/33' })),
      domain('b.example', 'Feed-B'),
      { key: domain('a.example').key, value: null },
      fresh(),
    ];
    const ignored: [string, IgnoredRecordReason, string][] = [];
    const { lookup } = setup(hostile, { invalidRecord: (key: string, reason: IgnoredRecordReason, _detail: string, offset: string) => ignored.push([key, reason, offset]) });
    await lookup.reload();
    expect(ignored).toEqual([
      ['domain-null.example', 'not_record', '1'],
      ['domain-text.example', 'not_json', '2'],
      ['ip-10.0.0.0/33', 'not_indexable', '3'],
    ]);
    expect(lookup.status()).toEqual({ usable: true });
    const answers = await lookup.resolve([
      { kind: 'domain', value: 'a.example', parents: false },
      { kind: 'domain', value: 'b.example', parents: false },
      { kind: 'domain', value: 'null.example', parents: false },
    ]);
    expect(answers.map((match) => match?.feeds)).toEqual([undefined, ['Feed-B'], undefined]);
  });

  // Deliverable 4: whatever the indicator topic holds — hostile indicator records and hostile
  // freshness records under the reserved key — a load finishes and the table answers or refuses
  // with a store code, never anything else; a good freshness record last makes it usable.
  it('loads any topic content: every record is applied or skipped with a reason (fast-check)', async () => {
    const recordLike = fc.record(
      { key: fc.constant('domain-x.example'), kind: fc.constantFrom('domain', 'ip', 'url', 'nope'), value: hostileString(), feeds: fc.oneof(fc.array(hostileString(20)), hostileJson), attributes: fc.oneof(fc.array(hostileJson, { maxLength: 3 }), hostileJson), updatedAt: fc.oneof(fc.string(), hostileJson) },
      { requiredKeys: [] },
    );
    const sentinelLike = fc.record({ format: fc.oneof(fc.constant(2), hostileJson), lastSuccessAt: fc.oneof(fc.constant(iso(0)), hostileString()), indicatorCount: hostileJson, sources: fc.oneof(hostileJson, fc.dictionary(hostileString(12), hostileJson, { maxKeys: 3 })) }, { requiredKeys: [] });
    const entry: fc.Arbitrary<TopicRecord> = fc.record({
      key: fc.oneof(fc.constant('domain-x.example'), fc.constant(SYNC_SENTINEL_KEY), hostileString(40)),
      value: fc.oneof(fc.constant(null), hostileJson.map((json) => JSON.stringify(json) ?? 'null'), recordLike.map((json) => JSON.stringify(json)), sentinelLike.map((json) => JSON.stringify(json)), fc.constant(domain('x.example').value)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), fc.boolean(), async (values, freshLast) => {
        let ignored = 0;
        const { lookup } = setup([...values, ...(freshLast ? [fresh()] : [])], { invalidRecord: () => void ignored++ });
        await lookup.reload();
        const queries = [query, { kind: 'ip' as const, value: '10.0.0.1', parents: false }];
        if (freshLast) {
          expect(lookup.status()).toEqual({ usable: true });
          expect(await lookup.resolve(queries)).toHaveLength(2);
        } else {
          const answer = await lookup.resolve(queries).then(
            (answers) => answers.length,
            (error: unknown) => (error instanceof StoreUnavailableError ? error.code : error),
          );
          expect([2, 'STORE_EMPTY', 'STORE_STALE']).toContain(answer);
          expect(lookup.status().usable).toBe(answer === 2);
        }
        expect(ignored).toBeLessThanOrEqual(values.length);
      }),
      fuzzRuns(11_040, 300),
    );
  });
});
