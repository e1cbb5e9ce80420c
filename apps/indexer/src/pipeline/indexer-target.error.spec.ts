import { IndexerTargetError } from './indexer-target.error';

describe('IndexerTargetError', () => {
  it('names its code, the target and what to do, and is not retriable', () => {
    const unsupported = new IndexerTargetError('DATA_STREAMS_UNSUPPORTED', 'logs-iocflow-default', 'no _data_stream endpoint');
    expect(unsupported).toMatchObject({ name: 'IndexerTargetError', code: 'DATA_STREAMS_UNSUPPORTED', retriable: false });
    expect(unsupported.message).toMatch(/^DATA_STREAMS_UNSUPPORTED: .*no _data_stream endpoint.*"logs-iocflow-default".*ELASTICSEARCH_INDEX_MODE=daily\.$/);

    const taken = new IndexerTargetError('DATA_STREAM_NAME_TAKEN', 'iocflow');
    expect(taken.code).toBe('DATA_STREAM_NAME_TAKEN');
    expect(taken.message).toMatch(/^DATA_STREAM_NAME_TAKEN: .*"iocflow" is a plain index or alias/);
  });
});
