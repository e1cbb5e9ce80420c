import type { MispAttribute } from '@iocflow/core';
import { FeedError } from '@iocflow/io';
import { FeedSource, type FeedSourceOptions } from './feed.source';
import type { FeedRead } from './sync-ports';

const A = 'aaaaaaaa-1111-4111-8111-111111111111';
const B = 'bbbbbbbb-2222-4222-8222-222222222222';

function event(uuid: string, timestamp: number, domains: string[]) {
  return JSON.stringify({ Event: { uuid, info: `event ${uuid.slice(0, 4)}`, timestamp: String(timestamp), Attribute: domains.map((value, index) => ({ uuid: `${uuid.slice(0, 8)}-0000-4000-8000-00000000000${index}`, type: 'domain', value, to_ids: true })) } });
}

/** The feed's files by name; `reads` records what a poll fetched. */
function feedFiles(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    files,
    reads,
    read: async (name?: string) => {
      const file = name ?? '(location)';
      reads.push(file);
      const text = files[file];
      if (text === undefined) throw new FeedError('FEED_NOT_FOUND', file);
      return text;
    },
  };
}

const OPTIONS: FeedSourceOptions = {
  format: 'misp',
  rules: { feedTagPattern: 'Feed-*', defaultFeed: 'misp', source: 'feed:Feed-Test', fixedFeed: 'Feed-Test' },
  feedName: 'Feed-Test',
  csvColumn: 0,
  valueType: 'auto',
  fullReadEvery: 3,
  pageSize: 100,
  concurrency: 2,
  retries: 1,
  retryBaseMs: 1,
  retryMaxMs: 1,
};
const HOOKS = { onError: () => undefined, onSkipped: () => undefined, onEventSkipped: () => undefined, sleep: async () => undefined, random: () => 0.5 };

async function drain(read: FeedRead): Promise<MispAttribute[]> {
  const attributes: MispAttribute[] = [];
  for await (const page of read.pages()) attributes.push(...page.attributes);
  read.commit();
  return attributes;
}

describe('FeedSource (MISP format)', () => {
  const manifest = (a: number, b?: number) => JSON.stringify({ [A]: { timestamp: String(a), info: 'a' }, ...(b === undefined ? {} : { [B]: { timestamp: String(b), info: 'b' } }) });

  it('reads every event first, then only the events whose manifest timestamp changed', async () => {
    const feed = feedFiles({ 'manifest.json': manifest(1, 1), [`${A}.json`]: event(A, 1, ['a.example']), [`${B}.json`]: event(B, 1, ['b.example']) });
    const source = new FeedSource(feed, OPTIONS, HOOKS);
    const first = await source.read();
    expect(first.mode).toBe('full');
    expect(first.events).toBeUndefined();
    expect((await drain(first)).map((attribute) => attribute.value).sort()).toEqual(['a.example', 'b.example']);

    feed.files['manifest.json'] = manifest(1, 2);
    feed.files[`${B}.json`] = event(B, 2, ['b2.example']);
    feed.reads.length = 0;
    const second = await source.read();
    expect(second).toMatchObject({ mode: 'incremental', events: new Set([B]) });
    expect((await drain(second)).map((attribute) => attribute.value)).toEqual(['b2.example']);
    expect(feed.reads).toEqual(['manifest.json', `${B}.json`]);
  });

  it('reads everything again when the set of events changes, and every fullReadEvery-th poll', async () => {
    const feed = feedFiles({ 'manifest.json': manifest(1, 1), [`${A}.json`]: event(A, 1, ['a.example']), [`${B}.json`]: event(B, 1, ['b.example']) });
    const source = new FeedSource(feed, OPTIONS, HOOKS);
    await drain(await source.read());
    feed.files['manifest.json'] = manifest(1);
    const dropped = await source.read();
    expect(dropped.mode).toBe('full');
    expect((await drain(dropped)).map((attribute) => attribute.value)).toEqual(['a.example']);
    expect((await source.read().then(async (read) => (await drain(read), read.mode)))).toBe('incremental');
    expect((await source.read().then(async (read) => (await drain(read), read.mode)))).toBe('incremental');
    expect((await source.read()).mode).toBe('full');
  });

  it('forgets nothing until the read is committed: a poll the feed server failed is read again in full', async () => {
    const feed = feedFiles({ 'manifest.json': manifest(1, 1), [`${A}.json`]: event(A, 1, ['a.example']) });
    const unavailable = { read: async (name?: string) => (name === `${B}.json` ? Promise.reject(new FeedError('FEED_UNAVAILABLE', 'HTTP 503')) : feed.read(name)) };
    const source = new FeedSource(unavailable, OPTIONS, HOOKS);
    const first = await source.read();
    await expect(drain(first)).rejects.toMatchObject({ code: 'FEED_UNAVAILABLE' });
    expect((await source.read()).mode).toBe('full');
  });

  it('refuses a garbage manifest (after retries): no event of the feed is known', async () => {
    const errors: unknown[] = [];
    const source = new FeedSource(feedFiles({ 'manifest.json': '<html>maintenance</html>' }), OPTIONS, { ...HOOKS, onError: (error) => errors.push(error) });
    await expect(source.read()).rejects.toMatchObject({ code: 'FEED_BAD_CONTENT' });
    expect(errors).toHaveLength(2);
  });

  // Issue 11: one event file the poll could not use failed every poll of the feed, for good.
  it('skips an event file that is not a usable event (another event, garbage, missing), keeps reading the rest, and reads it again next poll', async () => {
    const C = 'cccccccc-3333-4333-8333-333333333333';
    const files = {
      'manifest.json': JSON.stringify({ [A]: { timestamp: '1' }, [B]: { timestamp: '1' }, [C]: { timestamp: '1' }, 'not-a-uuid': { timestamp: '1' }, [`${A.slice(0, 35)}d`]: 'no object' }),
      [`${A}.json`]: event(B, 1, ['swapped.example']),
      [`${B}.json`]: '{"Event": ',
      [`${A.slice(0, 35)}d.json`]: event(`${A.slice(0, 35)}d`, 1, ['no-timestamp.example']),
    };
    const skipped: string[] = [];
    const ignored: unknown[] = [];
    const source = new FeedSource(feedFiles(files), OPTIONS, { ...HOOKS, onEventSkipped: (file) => skipped.push(file), onSkipped: (file, _count, first) => ignored.push([file, first]) });
    const first = await source.read();
    expect((await drain(first)).map((attribute) => attribute.value)).toEqual(['no-timestamp.example']);
    expect(first.skippedEvents).toEqual(new Set([A, B, C]));
    expect(skipped.sort()).toEqual([`${A}.json`, `${B}.json`, `${C}.json`].sort());
    expect(ignored).toEqual([['manifest.json', { key: 'not-a-uuid', reason: 'the key is not an event uuid' }]]);
    // the next, incremental poll reads the skipped ones again (and the entry without a timestamp)
    const second = await source.read();
    expect(second.mode).toBe('incremental');
    expect(second.events).toEqual(new Set([A, B, C, `${A.slice(0, 35)}d`]));
  });
});

describe('FeedSource (CSV and freetext)', () => {
  it('reads a changed file whole and skips an unchanged one', async () => {
    const feed = feedFiles({ '(location)': '# list\nevil.example\n1.2.3.4\n' });
    const source = new FeedSource(feed, { ...OPTIONS, format: 'csv', fullReadEvery: 10 }, HOOKS);
    const first = await source.read();
    expect(first.mode).toBe('full');
    const attributes = await drain(first);
    expect(attributes.map((attribute) => [attribute.type, attribute.value])).toEqual([
      ['domain', 'evil.example'],
      ['ip-dst', '1.2.3.4'],
    ]);
    expect(attributes[0]?.event?.info).toBe('Feed-Test');
    const unchanged = await source.read();
    expect(unchanged).toMatchObject({ mode: 'incremental', events: new Set() });
    expect(await drain(unchanged)).toEqual([]);
    feed.files['(location)'] = 'evil.example\n';
    expect((await drain(await source.read())).map((attribute) => attribute.value)).toEqual(['evil.example']);
  });

  it('gives a line the same identity on every poll', async () => {
    const feed = feedFiles({ '(location)': 'See hxxp://evil[.]example/x today.' });
    const source = new FeedSource(feed, { ...OPTIONS, format: 'freetext', fullReadEvery: 1 }, HOOKS);
    const first = await drain(await source.read());
    const second = await drain(await source.read());
    expect(first.map((attribute) => [attribute.type, attribute.value])).toEqual([['url', 'http://evil.example/x']]);
    expect(second[0]?.uuid).toBe(first[0]?.uuid);
  });
});
