/**
 * Scenario 8: a slow consumer. Elasticsearch is reached through a forwarder that delays every
 * chunk, and for part of the run the daily index is write-blocked (`index.blocks.write`): the
 * indexer falls far behind while the load is produced at full speed. Memory must stay bounded
 * (backpressure, not a growing queue: peak RSS of enricher and indexer is reported) and nothing
 * may be dropped.
 */
import { ElasticsearchClient } from '@iocflow/io';
import { TcpForwarder, pollUntil } from '@iocflow/testing';
import { FaultStack } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

describe('scenario 8: slow Elasticsearch', () => {
  let stack: FaultStack;
  let forwarder: TcpForwarder | undefined;

  afterEach(async () => {
    await stack?.close();
    await forwarder?.cut();
  });

  it('throttled and write-blocked Elasticsearch: bounded memory, nothing dropped', async () => {
    stack = await FaultStack.create({ name: 'slow-es' });
    const es = new URL(stack.endpoints.elasticsearchUrl);
    forwarder = await TcpForwarder.start(es.hostname, Number(es.port || 9200), { delayMs: 250 });
    await stack.syncOnce();
    const total = scale(5000, 50_000);
    const planned = generateEvents(stack.id, total, stack.indicators);
    await stack.start('enricher');
    const indexer = await stack.start('indexer', { ELASTICSEARCH_URL: forwarder.url, INDEXER_BULK_MAX_DOCS: '250' });
    await stack.produce(planned.slice(0, 100));
    await pollUntil(async () => (await stack.indexedCount()) > 0, { timeoutMs: 60_000, intervalMs: 500, description: 'the first documents (the daily index exists)' });
    const client = new ElasticsearchClient({ url: stack.endpoints.elasticsearchUrl });
    const blockMs = scale(15_000, 60_000);
    try {
      await client.request('PUT', `/${stack.indexPrefix}-*/_settings`, { index: { blocks: { write: true } } });
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(indexer.process.peakRss()), 500);
      await stack.produce(planned.slice(100));
      await new Promise((resolve) => setTimeout(resolve, blockMs)); // the block itself
      await client.request('PUT', `/${stack.indexPrefix}-*/_settings`, { index: { blocks: { write: false } } });
      clearInterval(sampler);
    } finally {
      await client.request('PUT', `/${stack.indexPrefix}-*/_settings`, { index: { blocks: { write: false } } }).catch(() => undefined);
      await client.close();
    }
    const faultEndedAt = Date.now();
    const rss = stack.peakRss();
    const result = await finishScenario(stack, planned, {
      scenario: `8 slow ES (+250 ms/chunk) + write block ${blockMs / 1000} s`,
      faultEndedAt,
      peakRss: true,
      notes: `all ${total} produced at once; bulks of 250`,
    });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
    // Bounded: the defaults allow 4 partitions × 1 MiB in flight; 400 MiB would mean a queue grows with the backlog.
    expect(Math.max(...Object.values(rss))).toBeLessThan(400 * 1024);
  });
});
