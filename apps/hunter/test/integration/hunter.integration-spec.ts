import { dailyIndexName } from '@iocflow/core';
import { standaloneContext } from '@iocflow/nest';
import { pollUntil, requireService } from '@iocflow/testing';
import { loadHunterConfig } from '../../src/hunter.config';
import { HunterRuntime } from '../../src/hunter.runtime';
import { alerts, cleanUp, createTopics, elasticsearch, groupLag, huntEnvironment, huntRun, indexLogs, indicatorRecord, publishIndicators, readTopic } from './hunter-harness';

/**
 * The retro-hunt on the real stack: log documents indexed before their indicator existed are found
 * once misp-sync's topic announces it; a hit marked retrospective goes to the hits topic and an
 * alert document naming the original index and _id to the alerts index; an indicator removed
 * while queued is not hunted; a restart resumes after the committed batch.
 */
describe('hunter (Kafka + Elasticsearch)', () => {
  const run = huntRun('retro');
  const es = elasticsearch();
  const day = dailyIndexName(run.logsPrefix, Date.now() - 86_400_000);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  const evil = `evil-${run.tag}.com`;
  const gone = `gone-${run.tag}.com`;
  const logs = [
    { id: 'raw-logs-0-1', index: day, source: { '@timestamp': yesterday, destination: { domain: `cdn.${evil}` }, misp_src: 'none' } },
    { id: 'raw-logs-0-2', index: day, source: { '@timestamp': yesterday, destination: { domain: gone }, misp_src: 'none' } },
    { id: 'raw-logs-0-3', index: day, source: { '@timestamp': yesterday, source: { ip: '10.77.1.2' }, misp_src: 'none' } },
    { id: 'raw-logs-0-4', index: day, source: { '@timestamp': yesterday, destination: { domain: `not${evil}` }, misp_src: 'none' } },
  ];
  let runtime: HunterRuntime | undefined;

  const start = async (): Promise<HunterRuntime> => {
    const started = new HunterRuntime(loadHunterConfig(huntEnvironment(run)), standaloneContext('hunter-it', 'error'));
    await started.start();
    return started;
  };

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('elasticsearch');
    await createTopics(run);
    await indexLogs(run, es, logs);
  });

  afterAll(async () => {
    await runtime?.stop();
    await cleanUp(run, es);
    await es.close();
  });

  it('finds an event indexed before its indicator existed; an indicator removed while queued is not hunted', async () => {
    // all queued before the hunter starts: one batch, in which `gone` is added then removed
    await publishIndicators(run, [indicatorRecord('domain', evil), indicatorRecord('domain', gone), { tombstone: `domain-${gone}` }]);
    runtime = await start();

    // the batch is committed only once every search of it is done: then the alerts are all there
    await pollUntil(async () => (await groupLag(run)) === 0 && (await alerts(run, es)).length >= 1, { timeoutMs: 60_000, description: 'the hunted batch committed' });
    const found = await alerts(run, es);
    // not `gone` (removed while queued), not `notevil-…` (no label boundary)
    expect(found).toHaveLength(1);
    const alert = found[0]!;
    expect(alert._source.iocflow).toMatchObject({ hit: { mode: 'retrospective' }, indicator: { value: evil }, document: { index: day, id: 'raw-logs-0-1' } });
    expect(alert._id).toBe(alert._source.iocflow.hit.id);

    const hits = await pollUntil(async () => { const messages = await readTopic(run.hitsTopic); return messages.length >= 1 && messages; }, { timeoutMs: 30_000, description: 'the hit record' });
    expect(hits).toHaveLength(1);
    const hit = JSON.parse(String(hits[0]!.value)) as { iocflow: { hit: { id: string; mode: string }; document: unknown }; threat: { enrichments: { matched: { atomic: string } }[] } };
    expect(String(hits[0]!.key)).toBe(hit.iocflow.hit.id);
    expect(hit.iocflow).toMatchObject({ hit: { id: alert._id, mode: 'retrospective' }, document: { index: day, id: 'raw-logs-0-1' } });
    expect(hit.threat.enrichments[0]?.matched.atomic).toBe(`cdn.${evil}`);

    // the original documents are untouched
    const original = await es.request<{ _source: unknown }>('GET', `/${day}/_doc/raw-logs-0-1`);
    expect(original._source).toEqual(logs[0]!.source);
  });

  it('resumes after a restart from the committed offset: the next indicator is hunted, the earlier batch is not hunted again', async () => {
    await runtime?.stop();
    runtime = undefined;
    await publishIndicators(run, [indicatorRecord('ip', '10.77.0.0/16')]);
    runtime = await start();

    await pollUntil(async () => (await groupLag(run)) === 0 && (await alerts(run, es)).length >= 2, { timeoutMs: 60_000, description: 'the range hunted and committed' });
    const found = await alerts(run, es);
    expect(found.map((document) => document._source.iocflow.document.id).sort()).toEqual(['raw-logs-0-1', 'raw-logs-0-3']);
    // a re-hunt of the first batch would have produced its hit a second time
    const hits = await readTopic(run.hitsTopic);
    expect(hits.map((message) => String(message.key)).sort()).toEqual(found.map((document) => document._id).sort());
  });
});
