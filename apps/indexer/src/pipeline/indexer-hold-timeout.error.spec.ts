import { IndexerHoldTimeoutError } from './indexer-hold-timeout.error';

describe('IndexerHoldTimeoutError', () => {
  it('says which batch was handed back and is retriable', () => {
    const error = new IndexerHoldTimeoutError({ topic: 'enriched-logs', partition: 3 }, 30_000);
    expect(error).toMatchObject({ name: 'IndexerHoldTimeoutError', code: 'INDEXER_HOLD_TIMEOUT', retriable: true });
    expect(error.message).toBe('batch enriched-logs[3] not acknowledged within 30000 ms; handed back uncommitted');
  });
});
