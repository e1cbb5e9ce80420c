/**
 * Scenario 3: Kafka unreachable mid-run (bug 1 of docs/reliability.md, fixed: after the outage the
 * idempotent producer got OUT_OF_ORDER_SEQUENCE_NUMBER and the enricher's consumer died for good;
 * the producer now replaces itself and the batch is retried). Forwarder version (CI and long
 * suite): the enricher and indexer reach the broker
 * through a forwarder this test owns (it rewrites the broker's advertised address to itself),
 * which is cut — every connection reset, then refused — for a while and restored; the shared
 * broker keeps running for everyone else, and the load keeps being produced straight to it.
 * Real version (long suite only): the SHARED broker itself is restarted with
 * `scripts/stack.sh restart kafka` — never in `npm test`, other engineers use it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, TcpForwarder, requireService, pollUntil } from '@iocflow/testing';
import { FaultStack } from '../support/fault-stack';
import { generateEvents } from '../support/load-generator';
import { LONG, Progress, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

describe('scenario 3: Kafka unreachable mid-run', () => {
  let stack: FaultStack;
  let forwarder: TcpForwarder | undefined;

  afterEach(async () => {
    await forwarder?.restore();
    await stack?.close();
    await forwarder?.cut();
  });

  it('forwarder to the broker cut for a while: nothing lost, nothing duplicated, no false none', async () => {
    stack = await FaultStack.create({ name: 'kafka-cut' });
    const [host, port] = stack.endpoints.kafkaBrokers.split(',')[0]!.split(':');
    forwarder = await TcpForwarder.start(host!, Number(port), { kafka: true });
    await stack.syncOnce();
    const total = scale(2000, 20_000);
    const outageMs = scale(15_000, 60_000);
    const planned = generateEvents(stack.id, total, stack.indicators);
    await stack.start('enricher', { KAFKA_BROKERS: forwarder.hostPort });
    await stack.start('indexer', { KAFKA_BROKERS: forwarder.hostPort });
    const progress = new Progress();
    const load = stack.produceOverTime(planned, scale(30_000, 180_000), (n) => (progress.produced = n));
    await progress.reached(0.3, total);
    await forwarder.cut();
    await new Promise((resolve) => setTimeout(resolve, outageMs)); // the outage itself, not a wait for a condition
    await forwarder.restore();
    const faultEndedAt = Date.now();
    await load;
    const result = await finishScenario(stack, planned, { scenario: `3 Kafka unreachable ${outageMs / 1000} s (forwarder)`, faultEndedAt, notes: `enricher+indexer via a cut forwarder; ${stack.kafkaRecoveryNotes()}` });
    expectNothingLostNothingFalse(result);
    expect(stack.logCount('enricher', 'kafka consumer crashed for good') + stack.logCount('indexer', 'kafka consumer crashed for good')).toBe(0);
    expect(result.indexed).toBe(total);
  });

  if (LONG) {
    it('the shared broker restarted (stack.sh restart kafka): nothing lost, nothing duplicated, no false none', async () => {
      stack = await FaultStack.create({ name: 'kafka-restart' });
      await stack.syncOnce();
      const total = 20_000;
      const planned = generateEvents(stack.id, total, stack.indicators);
      await stack.start('enricher');
      await stack.start('indexer');
      const progress = new Progress();
      // The test's own producer also loses the broker: its sends retry (kafkajs) until it is back.
      const load = stack.produceOverTime(planned, 120_000, (n) => (progress.produced = n));
      await progress.reached(0.3, total);
      execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'stack.sh'), 'restart', 'kafka'], { stdio: 'inherit' });
      await pollUntil(() => requireService('kafka').then(() => true), { timeoutMs: 120_000, intervalMs: 1000, description: 'Kafka back' });
      const faultEndedAt = Date.now();
      await load;
      const result = await finishScenario(stack, planned, { scenario: '3 Kafka broker restarted (real)', faultEndedAt, notes: `stack.sh restart kafka; ${stack.kafkaRecoveryNotes()}` });
      expectNothingLostNothingFalse(result);
      expect(stack.logCount('enricher', 'kafka consumer crashed for good') + stack.logCount('indexer', 'kafka consumer crashed for good')).toBe(0);
      expect(result.indexed).toBe(total);
    });
  }
});
