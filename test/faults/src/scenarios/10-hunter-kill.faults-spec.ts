/**
 * Scenario 10: the hunter (retro-hunt) dies with SIGKILL in the middle of a hunt and is restarted.
 * Log documents are indexed (as the indexer names them) before their indicators exist; misp-sync
 * then publishes the indicators to the topic; the hunter, rate-limited so the hunt takes seconds,
 * is killed once some alerts are written and before the batch is done. Its offset is committed
 * only after a batch's searches, so the restarted hunter hunts the batch again; the alert ids are
 * the hit keys, so every hit is in the alerts index exactly once.
 */
import { dailyIndexName, indexTemplate, indexTemplateName } from '@iocflow/core';
import { ElasticsearchClient, KafkaAdmin, KafkaTopicReader } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { pollUntil } from '@iocflow/testing';
import { FaultStack } from '../support/fault-stack';
import { scale } from '../support/scenario';

interface Alert {
  readonly _id: string;
  readonly _source: { readonly iocflow: { readonly hit: { readonly id: string; readonly mode: string }; readonly document: { readonly index: string; readonly id: string } } };
}

describe('scenario 10: hunter killed during a retro-hunt', () => {
  let stack: FaultStack;
  const es = (): ElasticsearchClient => new ElasticsearchClient({ url: stack.endpoints.elasticsearchUrl });

  afterEach(async () => {
    await stack?.close();
  });

  it('SIGKILLed mid-hunt, restarted: every hit in the alerts index exactly once', async () => {
    const indicators = scale(20, 60);
    stack = await FaultStack.create({ name: 'hunter-kill', indicators });
    const client = es();
    const alertsPrefix = `alerts-${stack.indexPrefix}`;
    try {
      // two documents per indicator, indexed yesterday as the indexer would have: the value itself, and a subdomain
      const day = dailyIndexName(stack.indexPrefix, Date.now() - 86_400_000);
      const at = new Date(Date.now() - 86_400_000).toISOString();
      await client.ensureIndexTemplate(indexTemplateName(stack.indexPrefix), indexTemplate({ indexPrefix: stack.indexPrefix }));
      const body = stack.indicators
        .flatMap((indicator, i) => [
          { id: `old-${i}-exact`, source: { '@timestamp': at, destination: { domain: indicator.domain }, misp_src: 'none' } },
          { id: `old-${i}-sub`, source: { '@timestamp': at, dns: { question: { name: `www.${indicator.domain}` } }, misp_src: 'none' } },
        ])
        .map((document) => `{"index":{"_index":"${day}","_id":"${document.id}"}}\n${JSON.stringify(document.source)}\n`)
        .join('');
      expect((await client.bulk(body)).errors).toBe(false);
      await client.refresh(`${stack.indexPrefix}-*`);
      const expected = indicators * 2;

      await stack.syncOnce();
      const env = {
        THREAT_HITS_TOPIC: `${stack.id}-hits`,
        THREAT_HITS_PARTITIONS: '1',
        HUNTER_GROUP_ID: `${stack.id}-hunter`,
        RETRO_HUNT_START: 'earliest',
        ALERTS_INDEX: alertsPrefix,
        // One search per indicator, each 1/QPS after the previous one at the earliest: the budget
        // is a floor under the hunt's duration that no machine speed lowers. At 2 per second, once
        // 4 alerts (2 indicators) exist, the other searches need at least 8.5 s more (28.5 s long)
        // for the poll that saw them to return and the kill to land; at 4 per second a poll
        // slowed past 4 s by a loaded machine could see the hunt finished and fail below.
        RETRO_HUNT_QUERIES_PER_SECOND: '2',
      };
      const alerts = async (): Promise<Alert[]> => {
        await client.refresh(`${alertsPrefix}-*`);
        return (await client.search<{ hits: { hits: Alert[] } }>(`${alertsPrefix}-*`, { size: 10_000, query: { match_all: {} } })).hits.hits;
      };
      const hunter = await stack.start('hunter', env);
      const before = await pollUntil(async () => {
        const found = await alerts();
        return found.length >= 4 && found;
      }, { timeoutMs: 60_000, description: 'the hunt under way' });
      await stack.crashAndRestart(hunter);
      // the kill must land inside the hunt for the scenario to mean anything
      expect(before.length).toBeLessThan(expected);

      await pollUntil(async () => (await groupLag(stack, `${stack.id}-hunter`)) === 0 && (await alerts()).length >= expected, { timeoutMs: 120_000, description: 'the hunt finished after the restart' });
      const found = await alerts();
      expect(found).toHaveLength(expected);
      for (const alert of found) expect([alert._id, alert._source.iocflow.hit.mode]).toEqual([alert._source.iocflow.hit.id, 'retrospective']);
      const documents = new Set(found.map((alert) => `${alert._source.iocflow.document.index}/${alert._source.iocflow.document.id}`));
      expect(documents.size).toBe(expected);

      // the topic may hold the hits of the re-hunted part twice, under the same keys
      const hits = await readKeys(stack, `${stack.id}-hits`);
      expect(new Set(hits).size).toBe(expected);
      console.warn(`scenario 10: ${indicators} indicators, ${expected} hits; alerts at the kill ${before.length}; alerts after ${found.length} (distinct ${documents.size}); hit records on the topic ${hits.length} (${hits.length - expected} replayed under the same key)`);
    } finally {
      await client.request('DELETE', `/${alertsPrefix}-*`).catch(() => undefined);
      await client.request('DELETE', `/_index_template/${alertsPrefix}-template`).catch(() => undefined);
      await client.request('DELETE', `/${stack.indexPrefix}-*`).catch(() => undefined);
      await client.request('DELETE', `/_index_template/${stack.indexPrefix}-template`).catch(() => undefined);
      await client.close();
      const admin = new KafkaAdmin({ brokers: stack.endpoints.kafkaBrokers, clientId: `${stack.id}-cleanup`, logger: logger.child('kafka') });
      await admin.deleteTopics([`${stack.id}-hits`]).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

const logger = new JsonLogger('faults-hunter', 'error');

async function groupLag(stack: FaultStack, group: string): Promise<number> {
  const admin = new KafkaAdmin({ brokers: stack.endpoints.kafkaBrokers, clientId: `${stack.id}-lag`, logger: logger.child('kafka') });
  try {
    return (await admin.consumerGroupLag(group, stack.topics.iocs)).reduce((sum, partition) => sum + partition.lag, 0);
  } finally {
    await admin.disconnect();
  }
}

async function readKeys(stack: FaultStack, topic: string): Promise<string[]> {
  const reader = new KafkaTopicReader({ brokers: stack.endpoints.kafkaBrokers, clientId: `${stack.id}-reader`, logger: logger.child('kafka') });
  const keys: string[] = [];
  try {
    await reader.read(topic, async (batch) => {
      for (const message of batch.messages) keys.push(String(message.key));
    });
  } finally {
    await reader.stop();
  }
  return keys;
}
