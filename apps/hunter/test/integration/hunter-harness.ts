import { indexTemplate, indexTemplateName, type IndicatorRecord } from '@iocflow/core';
import { ElasticsearchClient, KafkaAdmin, KafkaProducer, KafkaTopicReader, type KafkaConsumedMessage, type KafkaProducedRecord } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { stackEndpoints, uniqueName } from '@iocflow/testing';

/** One isolated retro-hunt run on the shared stack: its own topics, group and index prefixes. */
export interface HuntRun {
  readonly iocTopic: string;
  readonly hitsTopic: string;
  readonly group: string;
  readonly logsPrefix: string;
  readonly alertsPrefix: string;
  /** Unique domain suffix, so values never collide with other runs' data. */
  readonly tag: string;
}

export function huntRun(label: string): HuntRun {
  const base = uniqueName(`hunter-it-${label}`);
  return { iocTopic: `${base}-iocs`, hitsTopic: `${base}-hits`, group: `${base}-group`, logsPrefix: uniqueName(`iocflow-it-logs-${label}`), alertsPrefix: uniqueName(`iocflow-it-alerts-${label}`), tag: base.replace(/[^a-z0-9]/g, '') };
}

const quietLogger = new JsonLogger('hunter-it', 'error');
const connection = () => ({ brokers: stackEndpoints().kafkaBrokers, logger: quietLogger.child('kafka') });

/** The hunter's environment for a run (as the service would get it). */
export function huntEnvironment(run: HuntRun, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: stackEndpoints().kafkaBrokers,
    ELASTICSEARCH_URL: stackEndpoints().elasticsearchUrl,
    IOC_TOPIC: run.iocTopic,
    THREAT_HITS_TOPIC: run.hitsTopic,
    THREAT_HITS_PARTITIONS: '1',
    HUNTER_GROUP_ID: run.group,
    RETRO_HUNT_START: 'earliest',
    ELASTICSEARCH_INDEX: run.logsPrefix,
    ALERTS_INDEX: run.alertsPrefix,
    ELASTICSEARCH_REPLICAS: '0',
    RETRO_HUNT_QUERIES_PER_SECOND: '50',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function elasticsearch(): ElasticsearchClient {
  return new ElasticsearchClient({ url: stackEndpoints().elasticsearchUrl, requestTimeoutMs: 10_000 });
}

/** The indicator topic as misp-sync creates it (compacted), one partition. */
export async function createTopics(run: HuntRun): Promise<void> {
  const admin = new KafkaAdmin({ ...connection(), clientId: 'hunter-it-admin' });
  try {
    await admin.ensureTopics([{ topic: run.iocTopic, partitions: 1, compacted: true }, { topic: run.hitsTopic, partitions: 1 }]);
  } finally {
    await admin.disconnect();
  }
}

/** Log documents indexed as the indexer would have (its template, daily index, `_id`), before any indicator exists. */
export async function indexLogs(run: HuntRun, es: ElasticsearchClient, documents: readonly { readonly id: string; readonly index: string; readonly source: Record<string, unknown> }[]): Promise<void> {
  await es.ensureIndexTemplate(indexTemplateName(run.logsPrefix), indexTemplate({ indexPrefix: run.logsPrefix }));
  const body = documents.map((document) => `{"index":{"_index":${JSON.stringify(document.index)},"_id":${JSON.stringify(document.id)}}}\n${JSON.stringify(document.source)}\n`).join('');
  const result = await es.bulk(body);
  if (result.errors) throw new Error(`indexing the logs failed: ${JSON.stringify(result.items).slice(0, 500)}`);
  await es.refresh(`${run.logsPrefix}-*`);
}

export function indicatorRecord(kind: IndicatorRecord['kind'], value: string, feed = 'Feed-RetroTest'): IndicatorRecord {
  return {
    key: `${kind}-${value}`,
    kind,
    value,
    feeds: [feed],
    attributes: [{ attributeUuid: `attr-${value}`, mispType: kind === 'ip' ? 'ip-dst' : kind, eventUuid: 'event-retro', eventInfo: 'retro-hunt test', feeds: [feed], tags: [], toIds: true, timestamp: 1_700_000_000 }],
    updatedAt: new Date().toISOString(),
  };
}

/** Records to the indicator topic as misp-sync writes them: key = lookup key, null = tombstone. */
export async function publishIndicators(run: HuntRun, records: readonly (IndicatorRecord | { readonly tombstone: string })[]): Promise<void> {
  const producer = new KafkaProducer({ ...connection(), clientId: 'hunter-it-producer' });
  try {
    await producer.connect();
    const produced: KafkaProducedRecord[] = records.map((record) => ('tombstone' in record ? { topic: run.iocTopic, key: record.tombstone, value: null } : { topic: run.iocTopic, key: record.key, value: JSON.stringify(record) }));
    await producer.send(produced);
  } finally {
    await producer.disconnect();
  }
}

export async function readTopic(topic: string): Promise<KafkaConsumedMessage[]> {
  const reader = new KafkaTopicReader({ ...connection(), clientId: 'hunter-it-reader' });
  const messages: KafkaConsumedMessage[] = [];
  try {
    await reader.read(topic, async (batch) => {
      messages.push(...batch.messages);
    });
  } finally {
    await reader.stop();
  }
  return messages;
}

export async function groupLag(run: HuntRun): Promise<number> {
  const admin = new KafkaAdmin({ ...connection(), clientId: 'hunter-it-admin' });
  try {
    return (await admin.consumerGroupLag(run.group, run.iocTopic)).reduce((sum, partition) => sum + partition.lag, 0);
  } finally {
    await admin.disconnect();
  }
}

export interface AlertDocument {
  readonly _index: string;
  readonly _id: string;
  readonly _source: { readonly iocflow: { readonly hit: { readonly id: string; readonly mode: string }; readonly indicator: { readonly value: string }; readonly document: { readonly index: string; readonly id: string } } };
}

export async function alerts(run: HuntRun, es: ElasticsearchClient): Promise<AlertDocument[]> {
  await es.refresh(`${run.alertsPrefix}-*`);
  const answer = await es.search<{ hits: { hits: AlertDocument[] } }>(`${run.alertsPrefix}-*`, { size: 1000, query: { match_all: {} } });
  return answer.hits.hits;
}

export async function cleanUp(run: HuntRun, es: ElasticsearchClient): Promise<void> {
  const admin = new KafkaAdmin({ ...connection(), clientId: 'hunter-it-admin' });
  try {
    await admin.deleteTopics([run.iocTopic, run.hitsTopic]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  for (const prefix of [run.logsPrefix, run.alertsPrefix]) {
    await es.request('DELETE', `/${prefix}-*`).catch(() => undefined);
    await es.request('DELETE', `/_index_template/${prefix}-template`).catch(() => undefined);
  }
}
