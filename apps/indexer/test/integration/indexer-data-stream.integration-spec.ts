import { requireService } from '@iocflow/testing';
import { IndexerTargetError } from '../../src/pipeline/indexer-target.error';
import { cleanUp, createTopics, elasticsearch, enrichedEvents, produce, runNames, startIndexer, type IndexerRun } from './indexer-harness';

/**
 * ELASTICSEARCH_INDEX_MODE=data-stream against the local Elasticsearch (the integ-test zip, which
 * lacks the data-streams module: no `_data_stream` API). The indexer must refuse to start with an
 * error naming the cause, before installing a template or consuming anything, instead of writing
 * somewhere by accident. (That zip would still create a data stream on a write through a
 * `data_stream` template, and then could not delete it: nothing may be written here.)
 */
describe('indexer in data-stream mode on a cluster without data streams', () => {
  const es = elasticsearch();
  let run: IndexerRun;

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('elasticsearch');
    run = runNames('ds');
    await createTopics(run, 1);
    await produce(run.topic, enrichedEvents(5, '2026-01-02T03:04:05Z'));
  });

  afterAll(async () => {
    await cleanUp(run, es);
    await es.close();
  });

  it('refuses to start with DATA_STREAMS_UNSUPPORTED, leaving no template, stream or index behind', async () => {
    const name = run.prefix;
    const started = startIndexer(run, { target: { kind: 'data-stream', name } });

    await expect(started).rejects.toBeInstanceOf(IndexerTargetError);
    await expect(started).rejects.toMatchObject({
      code: 'DATA_STREAMS_UNSUPPORTED',
      retriable: false,
      message: expect.stringMatching(new RegExp(`no data-stream API \\(the data-streams module is missing; GET /_data_stream/${name} answered HTTP 4\\d\\d`)),
    });

    // nothing was installed or written: no template, no data stream, no index of that name
    await expect(es.request('GET', `/_index_template/${name}-template`)).rejects.toThrow(/HTTP 404/);
    const streams = await es.request<{ metadata?: { data_stream?: { data_stream?: Record<string, unknown> } } }>(
      'GET',
      '/_cluster/state/metadata?filter_path=metadata.data_stream.data_stream.*.name',
    );
    expect(Object.keys(streams.metadata?.data_stream?.data_stream ?? {})).not.toContain(name);
    expect(await es.request<unknown[]>('GET', `/_cat/indices/*${name}*?format=json&expand_wildcards=all`)).toEqual([]);
  });
});
