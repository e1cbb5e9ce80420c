import { Registry } from 'prom-client';
import type { KafkaProducedRecord } from '@iocflow/io';
import { BatchSettlement } from './batch-settlement';
import { DeadLetterSink, type DeadLetter } from './dead-letter.sink';
import { IndexerMetrics } from './indexer.metrics';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function sink(failures = 0) {
  const sent: KafkaProducedRecord[][] = [];
  const warnings: Record<string, unknown>[] = [];
  let failuresLeft = failures;
  const attempts: string[] = [];
  const registry = new Registry();
  const deadLetters = new DeadLetterSink(
    { topic: 'enriched-logs-dlq', maxValueBytes: 16 },
    {
      producer: {
        send: async (records) => {
          if (failuresLeft-- > 0) throw new Error('KAFKA_UNAVAILABLE');
          sent.push([...records]);
        },
      },
      metrics: new IndexerMetrics(registry),
      logger: { debug: () => undefined, info: () => undefined, warn: (_message, fields) => void warnings.push(fields ?? {}), error: () => undefined },
      now: () => NOW,
      // the pipeline's retry loop, without the backoff
      untilDone: async (stage, what, action) => {
        for (;;) {
          attempts.push(`${stage}: ${what}`);
          try {
            return await action();
          } catch {
            // retried
          }
        }
      },
    },
  );
  const counted = async () => (await registry.getSingleMetric('iocflow_indexer_dead_lettered_documents_total')?.get())?.values.map((v) => [v.labels['stage'], v.labels['reason'], v.value]);
  return { deadLetters, sent, warnings, attempts, counted };
}

const letter = (offset: string, settlement?: BatchSettlement): DeadLetter => ({
  stage: 'classify',
  reason: 'rejected',
  coordinates: { topic: 'enriched-logs', partition: 2, offset },
  message: { offset, key: Buffer.from('k'), value: Buffer.from('{"message":"a value longer than sixteen bytes"}'), headers: { 'iocflow.origin': Buffer.from('raw-logs/0/7') }, timestamp: String(NOW) },
  errorType: 'document_parsing_exception',
  errorReason: 'failed to parse field [source.ip]',
  verdict: { outcome: 'dead-letter', status: 400, errorType: 'document_parsing_exception', errorReason: 'failed to parse field [source.ip]' },
  document: { index: 'iocflow-2026.03.01', id: `enriched-logs-2-${offset}`, action: 'index', source: Buffer.from('{}') },
  ...(settlement === undefined ? {} : { settlement }),
});

describe('DeadLetterSink', () => {
  it('sends one record per letter to the dead-letter topic, counts and settles them only once Kafka acknowledged', async () => {
    const { deadLetters, sent, attempts, counted } = sink(2);
    const settlement = new BatchSettlement();
    settlement.expect(2);
    await deadLetters.send([letter('10', settlement), letter('11', settlement)]);
    expect(attempts).toEqual(Array.from({ length: 3 }, () => 'dead_letter: produce to the dead-letter topic'));
    expect(sent).toHaveLength(1);
    const [first] = sent[0] ?? [];
    expect(first).toMatchObject({ topic: 'enriched-logs-dlq', key: Buffer.from('k') });
    expect(first?.headers).toMatchObject({
      'iocflow.dlq.reason': 'rejected',
      'iocflow.dlq.stage': 'classify',
      'iocflow.dlq.message': 'failed to parse field [source.ip]',
      'iocflow.dlq.error.type': 'document_parsing_exception',
      'iocflow.dlq.error.reason': 'failed to parse field [source.ip]',
      'iocflow.dlq.error.status': '400',
      'iocflow.dlq.index': 'iocflow-2026.03.01',
      'iocflow.dlq.id': 'enriched-logs-2-10',
      'iocflow.source.offset': '10',
      'iocflow.dlq.at': '2026-03-01T12:00:00.000Z',
      // the value is cut to maxValueBytes, and the headers say so
      'iocflow.dlq.truncated': '47',
    });
    expect((first?.value as Buffer).length).toBe(16);
    await expect(settlement.done).resolves.toBeUndefined();
    expect(await counted()).toEqual([['classify', 'rejected', 2]]);
  });

  it('gives an unindexable record the envelope and its error, without status, index or id', async () => {
    const { deadLetters, sent, counted } = sink();
    const { verdict: _verdict, document: _document, ...rejected } = letter('12');
    await deadLetters.send([{ ...rejected, stage: 'prepare', reason: 'unindexable', errorType: 'not_json', errorReason: 'Unexpected token } in JSON' }]);
    const headers = sent[0]?.[0]?.headers ?? {};
    expect(await counted()).toEqual([['prepare', 'unindexable', 1]]);
    expect(headers).toMatchObject({ 'iocflow.dlq.reason': 'unindexable', 'iocflow.dlq.stage': 'prepare', 'iocflow.dlq.message': 'Unexpected token } in JSON', 'iocflow.dlq.error.type': 'not_json', 'iocflow.source.offset': '12' });
    expect(Object.keys(headers).filter((name) => ['iocflow.dlq.error.status', 'iocflow.dlq.error.cause', 'iocflow.dlq.index', 'iocflow.dlq.id'].includes(name))).toEqual([]);
  });

  it('does nothing for no letters, and warns once per 10 s however many sends', async () => {
    const { deadLetters, sent, warnings } = sink();
    await deadLetters.send([]);
    expect(sent).toEqual([]);
    await deadLetters.send([letter('1')]);
    await deadLetters.send([letter('2')]);
    expect(warnings).toEqual([expect.objectContaining({ count: 1, stage: 'classify', reason: 'rejected', topic: 'enriched-logs', partition: 2, offset: '1' })]);
  });
});
