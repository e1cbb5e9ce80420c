/**
 * Scenario 7b: a 10 MiB event on a raw topic configured to accept it (max.message.bytes=12 MiB).
 * The enricher refuses it (too_large, over ENRICHER_MAX_EVENT_BYTES) and dead-letters it to a
 * topic with the broker's default ~1 MiB limit. Bug 2 of docs/reliability.md (fixed): the whole
 * value was forwarded, the topic refused it and the consumer died on it. Now the value is cut to
 * DEAD_LETTER_MAX_BYTES (900 KiB) with headers giving the original length and SHA-256.
 */
import { createHash } from 'node:crypto';
import { FaultStack } from '../support/fault-stack';
import { generateEvents, type PlannedEvent } from '../support/load-generator';
import { expectNothingLostNothingFalse, finishScenario } from '../support/scenario';

describe('scenario 7b: a 10 MiB event', () => {
  let stack: FaultStack;

  afterEach(async () => {
    await stack?.close();
  });

  it('is dead-lettered with a reason and the events after it still flow', async () => {
    stack = await FaultStack.create({ name: 'oversized', rawPartitions: 1, rawTopicConfig: { 'max.message.bytes': String(12 * 1_048_576) } });
    await stack.syncOnce();
    await stack.start('enricher');
    await stack.start('indexer');
    const normal = generateEvents(stack.id, 200, stack.indicators);
    const hugeId = `${stack.id}-10mb`;
    const huge: PlannedEvent = { id: hugeId, value: JSON.stringify({ event: { id: hugeId }, message: 'x'.repeat(10 * 1_048_576) }), expected: { kind: 'dead-letter' } };
    const planned = [...normal.slice(0, 100), huge, ...normal.slice(100)];
    await stack.produce(planned, 1);
    const result = await finishScenario(stack, planned, { scenario: '7b one 10 MiB event (raw topic max 12 MiB)', settleTimeoutMs: 120_000, notes: 'dead letter cut to 900 KiB, iocflow.dlq.truncated + sha256' });
    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(200);
    const letter = (await stack.deadLetters()).find((l) => l.id === hugeId);
    expect(letter).toEqual({
      topic: stack.topics.rawDlq,
      id: hugeId,
      reason: 'too_large',
      valueBytes: 900 * 1024,
      truncated: Buffer.byteLength(huge.value),
      sha256: createHash('sha256').update(huge.value).digest('hex'),
    });
  });
});
