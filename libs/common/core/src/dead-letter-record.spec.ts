import { createHash } from 'node:crypto';
import { deadLetterRecord } from './dead-letter-record';

describe('deadLetterRecord', () => {
  const base = {
    topic: 'enriched-logs-dlq',
    source: { topic: 'enriched-logs', partition: 2, offset: '41' },
    key: Buffer.from('k'),
    value: Buffer.from('{"n":"x"}'),
    headers: { traceparent: Buffer.from('00-abc'), 'iocflow.dlq.reason': Buffer.from('forged'), 'iocflow.dlq.stage': Buffer.from('forged'), 'iocflow.source.offset': Buffer.from('0') },
    stage: 'classify',
    atMs: Date.UTC(2025, 0, 1),
  };

  it('keeps key, value and headers, and says why, at which stage, from where and when, with the stage details', () => {
    const record = deadLetterRecord({
      ...base,
      reason: 'rejected',
      message: 'failed to parse field [n] of type [long]',
      details: { 'iocflow.dlq.error.type': 'document_parsing_exception', 'iocflow.dlq.error.status': '400' },
    });
    expect(record).toEqual({
      topic: 'enriched-logs-dlq',
      key: Buffer.from('k'),
      value: Buffer.from('{"n":"x"}'),
      headers: {
        traceparent: Buffer.from('00-abc'),
        // iocflow's own headers replace a producer's of the same name
        'iocflow.dlq.reason': 'rejected',
        'iocflow.dlq.stage': 'classify',
        'iocflow.dlq.message': 'failed to parse field [n] of type [long]',
        'iocflow.dlq.error.type': 'document_parsing_exception',
        'iocflow.dlq.error.status': '400',
        'iocflow.source.topic': 'enriched-logs',
        'iocflow.source.partition': '2',
        'iocflow.source.offset': '41',
        'iocflow.dlq.at': '2025-01-01T00:00:00.000Z',
      },
    });
  });

  it('cuts a value longer than maxValueBytes and says how long it was and its SHA-256', () => {
    const value = Buffer.from(`{"message":"${'x'.repeat(2000)}"}`);
    const record = deadLetterRecord({ ...base, value, maxValueBytes: 1024, reason: 'too_large', message: 'over 1 KiB' });
    expect(record.value).toEqual(value.subarray(0, 1024));
    expect(record.headers).toMatchObject({
      'iocflow.dlq.reason': 'too_large',
      'iocflow.dlq.truncated': String(value.length),
      'iocflow.dlq.sha256': createHash('sha256').update(value).digest('hex'),
    });
    expect(Object.keys(deadLetterRecord({ ...base, reason: 'not_json', message: 'x' }).headers)).not.toContain('iocflow.dlq.truncated');
  });

  it('cuts the default at 900 KiB', () => {
    const value = Buffer.alloc(1024 * 1024, 0x61);
    expect(deadLetterRecord({ ...base, value, reason: 'too_large', message: 'x' }).value?.length).toBe(900 * 1024);
  });

  it('keeps a huge key cut and leaves huge headers out, saying so', () => {
    const key = Buffer.alloc(40 * 1024, 0x6b);
    const record = deadLetterRecord({ ...base, key, headers: { big: Buffer.alloc(40 * 1024) }, reason: 'not_json', message: 'x' });
    expect(record.key?.length).toBe(32 * 1024);
    expect(record.headers).toMatchObject({ 'iocflow.dlq.key.truncated': String(40 * 1024), 'iocflow.dlq.headers.dropped': '1' });
    expect(Object.keys(record.headers)).not.toContain('big');
  });

  it('has no stage details unless given', () => {
    const record = deadLetterRecord({ ...base, reason: 'unindexable', message: 'Unexpected token' });
    expect(Object.keys(record.headers).filter((name) => name.startsWith('iocflow.dlq.error.'))).toEqual([]);
  });
});
