import { freshnessRecord, indicatorRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import { StoreUnavailableError } from './store-unavailable.error';
import { TableIndicatorLookup } from './table.lookup';

const T = Date.parse('2025-06-01T12:00:00Z');
const minute = 60_000;
const iso = (ms: number): string => new Date(T + ms).toISOString();

function setup(records = [indicatorRecord('domain', 'evil.example', ['Feed-A'])]) {
  const reader = new RecordedTopicReader(records);
  let now = T;
  const lookup = new TableIndicatorLookup('iocs', () => reader, { maxStalenessMs: 15 * minute, now: () => now });
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
