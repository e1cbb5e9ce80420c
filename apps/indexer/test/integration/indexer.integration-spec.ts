import { requireService, stackEndpoints } from '@iocflow/testing';
import { TcpProxy } from './tcp-proxy';
import {
  cleanUp,
  countDocuments,
  createTopics,
  elasticsearch,
  enrichedEvents,
  groupLag,
  metricTotal,
  pollUntil,
  produce,
  readAll,
  runNames,
  startIndexer,
  waitForCount,
  type IndexerRun,
  type RunningIndexer,
} from './indexer-harness';

describe('indexer against real Kafka and Elasticsearch', () => {
  const es = elasticsearch();
  const runs: IndexerRun[] = [];
  const running: RunningIndexer[] = [];

  async function newRun(label: string, partitions = 3): Promise<IndexerRun> {
    const run = runNames(label);
    runs.push(run);
    await createTopics(run, partitions);
    return run;
  }

  async function start(...args: Parameters<typeof startIndexer>): Promise<RunningIndexer> {
    const indexer = await startIndexer(...args);
    running.push(indexer);
    return indexer;
  }

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('elasticsearch');
  });

  afterEach(async () => {
    for (const indexer of running.splice(0)) await indexer.stop().catch(() => undefined);
  });

  afterAll(async () => {
    for (const run of runs) await cleanUp(run, es);
    await es.close();
  });

  it('indexes every record once into daily indices, commits, and a full replay leaves the count unchanged', async () => {
    const run = await newRun('idem');
    const events = enrichedEvents(1000);
    await produce(run.topic, events);

    const first = await start(run);
    await waitForCount(es, run.prefix, 1000);
    await pollUntil(async () => (await groupLag(run)) === 0, { description: 'group committed everything', timeoutMs: 30_000 });
    expect(await metricTotal(first.registry, 'iocflow_indexer_indexed_documents_total')).toBe(1000);
    await first.stop();

    // one daily index per UTC day of the events' @timestamp
    const days = new Set(events.map((e) => (JSON.parse(e) as { '@timestamp': string })['@timestamp'].slice(0, 10).replaceAll('-', '.')));
    const indices = await es.request<{ index: string }[]>('GET', `/_cat/indices/${run.prefix}-*?format=json`);
    expect(indices.map((i) => i.index).sort()).toEqual([...days].map((day) => `${run.prefix}-${day}`).sort());

    // replay: a new group reads the topic from the beginning and indexes all of it again
    const replay = await start(run, { group: `${run.group}-replay` });
    await pollUntil(async () => (await metricTotal(replay.registry, 'iocflow_indexer_indexed_documents_total')) === 1000, {
      description: 'replay indexed 1000',
      timeoutMs: 60_000,
    });
    expect(await countDocuments(es, run.prefix)).toBe(1000);
    expect(await readAll(run.dlq)).toHaveLength(0);
  });

  it('the template maps misp_src, threat.enrichments (nested) and the dashboard fields', async () => {
    const run = await newRun('map', 1);
    await produce(run.topic, enrichedEvents(10));
    await start(run);
    await waitForCount(es, run.prefix, 10);
    const mapping = await es.request<Record<string, { mappings: { properties: Record<string, unknown> } }>>('GET', `/${run.prefix}-*/_mapping`);
    const properties = Object.values(mapping)[0]!.mappings.properties as Record<string, { type?: string; properties?: Record<string, { type?: string }> }>;
    expect(properties['misp_src']?.type).toBe('keyword');
    expect(properties['@timestamp']?.type).toBe('date');
    expect(properties['threat']?.properties?.['enrichments']?.type).toBe('nested');
    const hits = await es.request<{ aggregations: { feeds: { buckets: { key: string; doc_count: number }[] } } }>(
      'POST',
      `/${run.prefix}-*/_search?size=0`,
      { aggs: { feeds: { terms: { field: 'iocflow.matched.atomic' } } } },
    );
    expect(hits.aggregations.feeds.buckets).toEqual([{ key: 'upload.wikimedia.org', doc_count: 2 }]);
    // Issue 15: TLP and confidence (table mode's ECS fields) are filterable at the root, first/last seen are dates.
    const marks = await es.request<{ aggregations: Record<'tlp' | 'confidence', { buckets: { key: string; doc_count: number }[] }> }>('POST', `/${run.prefix}-*/_search?size=0`, {
      aggs: { tlp: { terms: { field: 'iocflow.tlp' } }, confidence: { terms: { field: 'iocflow.confidence' } } },
    });
    expect(marks.aggregations.tlp.buckets).toEqual([{ key: 'AMBER', doc_count: 2 }]);
    expect(marks.aggregations.confidence.buckets).toEqual([{ key: 'High', doc_count: 2 }]);
    const indicator = (properties['threat']?.properties?.['enrichments'] as { properties?: Record<string, { properties?: Record<string, { type?: string }> }> } | undefined)?.properties?.['indicator']?.properties;
    expect(indicator?.['first_seen']?.type).toBe('date');
    expect(indicator?.['last_seen']?.type).toBe('date');
  });

  it('dead-letters a mapping conflict and a non-JSON record with the reason and source coordinates, indexes the rest', async () => {
    const run = await newRun('dlq', 1);
    const good = enrichedEvents(20);
    const conflicting = JSON.stringify({ '@timestamp': '2019-01-11T06:33:35.857Z', misp_src: 'none', source: { ip: 'not-an-ip-address' } });
    await produce(run.topic, [...good.slice(0, 10), conflicting, 'plain text, not JSON', ...good.slice(10)]);

    const indexer = await start(run);
    await waitForCount(es, run.prefix, 20);
    const dead = await pollUntil(async () => {
      const messages = await readAll(run.dlq);
      return messages.length === 2 ? messages : false;
    }, { description: '2 dead letters' });

    const headers = dead.map((m) => Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v.toString()])));
    const rejected = headers.find((h) => h['iocflow.dlq.reason'] === 'rejected')!;
    expect(rejected).toMatchObject({
      'iocflow.dlq.stage': 'classify',
      'iocflow.dlq.error.type': 'document_parsing_exception',
      'iocflow.dlq.error.status': '400',
      'iocflow.source.topic': run.topic,
      'iocflow.source.partition': '0',
      'iocflow.source.offset': '10',
      'iocflow.dlq.id': `${run.topic}-0-10`,
    });
    expect(rejected['iocflow.dlq.error.reason']).toContain('source.ip');
    expect(dead.find((m) => m.headers['iocflow.dlq.reason']?.toString() === 'rejected')!.value!.toString()).toBe(conflicting);
    expect(headers.find((h) => h['iocflow.dlq.reason'] === 'unindexable')).toMatchObject({
      'iocflow.dlq.stage': 'prepare',
      'iocflow.dlq.error.type': 'not_json',
      'iocflow.source.offset': '11',
    });
    // The counter moves once the dead-letter send was acknowledged, which readAll can see first;
    // the batch is committed only after that, so the commit is waited for before the counter is read.
    await pollUntil(async () => (await groupLag(run)) === 0, { description: 'committed past the dead letters' });
    expect(await metricTotal(indexer.registry, 'iocflow_indexer_dead_lettered_documents_total')).toBe(2);
  });

  it.each([
    ['a write block (403 cluster_block_exception)', { 'index.blocks.write': true }, { 'index.blocks.write': null }],
    ['the flood-stage block (429)', { 'index.blocks.read_only_allow_delete': true }, { 'index.blocks.read_only_allow_delete': null }],
  ])('retries through %s without committing, and loses nothing once it is lifted', async (_name, block, unblock) => {
    const run = await newRun('block');
    const index = `${run.prefix}-2019.01.11`;
    await es.request('PUT', `/${index}`, { settings: { number_of_replicas: 0 } });
    await es.request('PUT', `/${index}/_settings`, block);
    await produce(run.topic, enrichedEvents(300, '2019-01-11T06:33:35.857Z'));

    const indexer = await start(run);
    await pollUntil(async () => (await metricTotal(indexer.registry, 'iocflow_indexer_retried_documents_total')) >= 300, { description: 'retries' });
    expect(await countDocuments(es, run.prefix)).toBe(0);
    expect(await groupLag(run)).toBe(300); // nothing committed while Elasticsearch refuses

    await es.request('PUT', `/${index}/_settings`, unblock);
    await waitForCount(es, run.prefix, 300);
    await pollUntil(async () => (await groupLag(run)) === 0, { description: 'committed after the block was lifted' });
    expect(await readAll(run.dlq)).toHaveLength(0);
  });

  it('retries through a closed index and indexes everything once it is reopened', async () => {
    const run = await newRun('closed', 1);
    const index = `${run.prefix}-2019.01.11`;
    await es.request('PUT', `/${index}`, { settings: { number_of_replicas: 0 } });
    await es.request('POST', `/${index}/_close`);
    await produce(run.topic, enrichedEvents(100, '2019-01-11T06:33:35.857Z'));

    const indexer = await start(run);
    await pollUntil(async () => (await metricTotal(indexer.registry, 'iocflow_indexer_retried_documents_total')) >= 100, { description: 'retries' });
    await es.request('POST', `/${index}/_open?wait_for_active_shards=1`);
    await waitForCount(es, run.prefix, 100);
    expect(await readAll(run.dlq)).toHaveLength(0);
  });

  it('commits what was acknowledged on stop, and a restarted indexer finishes the rest without duplicates', async () => {
    const run = await newRun('stop');
    await produce(run.topic, enrichedEvents(3000));
    const first = await start(run, { bulkMaxDocuments: 50, bulkConcurrency: 1 });
    await pollUntil(async () => (await metricTotal(first.registry, 'iocflow_indexer_indexed_documents_total')) >= 500, { description: 'some indexed' });
    await first.stop();
    const lagAfterStop = await groupLag(run);
    expect(lagAfterStop).toBeLessThan(3000);

    await start(run);
    await waitForCount(es, run.prefix, 3000);
    await pollUntil(async () => (await groupLag(run)) === 0, { description: 'all committed' });
  });

  it('waits while Elasticsearch is unreachable (connections reset, then refused), then resumes and loses nothing', async () => {
    const run = await newRun('outage');
    const target = new URL(stackEndpoints().elasticsearchUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 9200));
    await proxy.restore();
    try {
      await produce(run.topic, enrichedEvents(1000));
      const indexer = await start(run, { elasticsearchUrl: proxy.url, bulkMaxDocuments: 20, bulkConcurrency: 1 });
      await pollUntil(async () => (await metricTotal(indexer.registry, 'iocflow_indexer_indexed_documents_total')) >= 100, { description: 'some indexed' });
      await proxy.cut();
      await produce(run.topic, enrichedEvents(1000));
      const failedBefore = await metricTotal(indexer.registry, 'iocflow_indexer_retried_documents_total', { cause: 'request_failed' });
      await pollUntil(
        async () => (await metricTotal(indexer.registry, 'iocflow_indexer_retried_documents_total', { cause: 'request_failed' })) >= failedBefore + 60,
        { description: 'several failed attempts while unreachable' },
      );
      expect(await groupLag(run)).toBeGreaterThan(0);
      await proxy.restore();
      await waitForCount(es, run.prefix, 2000);
      await pollUntil(async () => (await groupLag(run)) === 0, { description: 'all committed after the outage' });
      expect(await readAll(run.dlq)).toHaveLength(0);
    } finally {
      await proxy.cut();
    }
  });
});
