/**
 * Scenario 4: Elasticsearch unreachable for a while. Short (CI): the indexer reaches it through
 * a forwarder this test owns, cut and restored. Long (`npm run test:faults` only): the SHARED
 * Elasticsearch is stopped for a minute and started again with scripts/stack.sh.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, TcpForwarder, pollUntil } from '@iocflow/testing';
import { FaultStack } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { LONG, Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

describe('scenario 4: Elasticsearch unreachable mid-run', () => {
  let stack: FaultStack;
  let forwarder: TcpForwarder | undefined;

  afterEach(async () => {
    await stack?.close();
    await forwarder?.cut();
  });

  it('forwarder to Elasticsearch cut for a while: nothing lost, nothing duplicated, no false none', async () => {
    stack = await FaultStack.create({ name: 'es-cut' });
    const es = new URL(stack.endpoints.elasticsearchUrl);
    forwarder = await TcpForwarder.start(es.hostname, Number(es.port || 9200));
    await stack.syncOnce();
    const total = scale(2000, 20_000);
    // longer than INDEXER_HOLD_MAX (25 s): batches are handed back and the partitions sought back mid-outage
    const outageMs = scale(30_000, 60_000);
    const planned = generateEvents(stack.id, total, stack.indicators);
    await stack.start('enricher');
    await stack.start('indexer', { ELASTICSEARCH_URL: forwarder.url });
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(15_000, 120_000), (n) => (progress.produced = n));
    await progress.reached(0.3, total);
    await forwarder.cut();
    await new Promise((resolve) => setTimeout(resolve, outageMs)); // the outage itself
    await forwarder.restore();
    const faultEndedAt = Date.now();
    await load;
    const result = await finishScenario(stack, planned, { scenario: `4 Elasticsearch unreachable ${outageMs / 1000} s (forwarder)`, faultEndedAt, notes: 'indexer via a cut forwarder' });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(total);
  });

  if (LONG) {
    it('the shared Elasticsearch stopped for a minute and started: nothing lost or duplicated', async () => {
      stack = await FaultStack.create({ name: 'es-restart' });
      await stack.syncOnce();
      const total = 20_000;
      const planned = generateEvents(stack.id, total, stack.indicators);
      await stack.start('enricher');
      await stack.start('indexer');
      const progress = new Progress();
      const load = stack.produceOverTime(planned, 120_000, (n) => (progress.produced = n));
      await progress.reached(0.3, total);
      const stackScript = path.join(REPO_ROOT, 'scripts', 'stack.sh');
      execFileSync('bash', [stackScript, 'stop', 'elasticsearch'], { stdio: 'inherit' });
      await new Promise((resolve) => setTimeout(resolve, 60_000)); // the outage itself
      execFileSync('bash', [stackScript, 'start', 'elasticsearch'], { stdio: 'inherit' });
      await pollUntil(() => stack.indexedCount().then(() => true), { timeoutMs: 120_000, intervalMs: 1000, description: 'Elasticsearch back' });
      const faultEndedAt = Date.now();
      await load;
      const result = await finishScenario(stack, planned, { scenario: '4 Elasticsearch stopped 60 s (real)', faultEndedAt, notes: 'stack.sh stop/start elasticsearch' });
      expectNothingLostNothingFalse(result);
      expect(result.indexed).toBe(total);
    });
  }
});
