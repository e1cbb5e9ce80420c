import { createHash } from 'node:crypto';
import { deadLetterRecord } from './dead-letter-record';

describe('deadLetterRecord', () => {
  const base = {
    deadLetterTopic: 'enriched-logs-dlq',
    source: { topic: 'enriched-logs', partition: 2, offset: '41' },
    key: Buffer.from('k'),
    value: Buffer.from('{"n":"x"}'),
    headers: { traceparent: Buffer.from('00-abc'), 'iocflow.dlq.reason': Buffer.from('forged') },
    atMs: Date.UTC(2025, 0, 1),
  };

  it('keeps key, value and headers, and says why and from where', () => {
    const record = deadLetterRecord({
      ...base,
      reason: 'rejected',
      errorType: 'document_parsing_exception',
      errorReason: 'failed to parse field [n] of type [long]',
      status: 400,
      causeType: 'illegal_argument_exception',
      index: 'iocflow-logs-2025.01.01',
      id: 'enriched-logs-2-41',
    });
    expect(record).toEqual({
      topic: 'enriched-logs-dlq',
      key: Buffer.from('k'),
      value: Buffer.from('{"n":"x"}'),
      headers: {
        traceparent: Buffer.from('00-abc'),
        'iocflow.dlq.reason': 'rejected',
        'iocflow.dlq.error.type': 'document_parsing_exception',
        'iocflow.dlq.error.reason': 'failed to parse field [n] of type [long]',
        'iocflow.dlq.error.status': '400',
        'iocflow.dlq.error.cause': 'illegal_argument_exception',
        'iocflow.dlq.index': 'iocflow-logs-2025.01.01',
        'iocflow.dlq.id': 'enriched-logs-2-41',
        'iocflow.source.topic': 'enriched-logs',
        'iocflow.source.partition': '2',
        'iocflow.source.offset': '41',
        'iocflow.dlq.at': '2025-01-01T00:00:00.000Z',
      },
    });
  });

  it('cuts a value longer than maxValueBytes and says how long it was and its SHA-256', () => {
    const value = Buffer.from(`{"message":"${'x'.repeat(2000)}"}`);
    const record = deadLetterRecord({ ...base, value, maxValueBytes: 1024, reason: 'rejected', errorType: 'document_parsing_exception', errorReason: 'too deep' });
    expect(record.value).toEqual(value.subarray(0, 1024));
    expect(record.headers).toMatchObject({
      'iocflow.dlq.reason': 'rejected',
      'iocflow.dlq.truncated': String(value.length),
      'iocflow.dlq.sha256': createHash('sha256').update(value).digest('hex'),
    });
    expect(Object.keys(deadLetterRecord({ ...base, reason: 'unindexable', errorType: 'not_json', errorReason: 'x' }).headers)).not.toContain('iocflow.dlq.truncated');
  });

  it('omits what an unindexable record does not have', () => {
    const record = deadLetterRecord({ ...base, reason: 'unindexable', errorType: 'not_json', errorReason: 'Unexpected token' });
    expect(Object.keys(record.headers)).not.toContain('iocflow.dlq.error.status');
    expect(Object.keys(record.headers)).not.toContain('iocflow.dlq.index');
  });
});
