import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { requireService } from '@iocflow/testing';
import {
  cleanUp,
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
} from '../integration/indexer-harness';

const STACK = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'stack.sh');
const stack = (...args: string[]): void => {
  execFileSync('bash', [STACK, ...args], { stdio: 'inherit' });
};

describe('indexer across a real Elasticsearch stop and restart', () => {
  const run = runNames('restart');
  const es = elasticsearch();

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('elasticsearch');
    await createTopics(run);
  });

  afterAll(async () => {
    stack('start', 'elasticsearch');
    await cleanUp(run, es);
    await es.close();
  });

  it('Elasticsearch stopped mid-run, then restarted: the final count equals the input count', async () => {
    await produce(run.topic, enrichedEvents(5000));
    const indexer = await startIndexer(run, { bulkMaxDocuments: 100, bulkConcurrency: 1, retryMaxMs: 2000, holdMaxMs: 25_000 });
    try {
      await pollUntil(async () => (await metricTotal(indexer.registry, 'iocflow_indexer_indexed_documents_total')) >= 500, { description: 'some indexed' });
      stack('stop', 'elasticsearch');
      await produce(run.topic, enrichedEvents(5000));
      await pollUntil(async () => (await metricTotal(indexer.registry, 'iocflow_indexer_retried_documents_total', { cause: 'request_failed' })) > 0, {
        description: 'failed attempts while Elasticsearch is down',
      });
      expect(await groupLag(run)).toBeGreaterThan(0);
      stack('start', 'elasticsearch');
      await waitForCount(es, run.prefix, 10_000, 300_000);
      await pollUntil(async () => (await groupLag(run)) === 0, { description: 'all committed', timeoutMs: 120_000 });
      expect(await readAll(run.dlq)).toHaveLength(0);
    } finally {
      await indexer.stop();
    }
  });
});
