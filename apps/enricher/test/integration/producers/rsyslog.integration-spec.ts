import { tmpdir } from 'node:os';
import path from 'node:path';
import { KafkaAdmin, MemcachedClient } from '@iocflow/io';
import { MemcachedProcess, requireService, type ServiceProcess } from '@iocflow/testing';
import { startEnricherBundle, seedIndicators } from '../../producers/enricher-bundle';
import type { Indicator } from '../../producers/expected-enrichment';
import { producersDocBlock } from '../../producers/producer-doc';
import { syslogMessages } from '../../producers/producer-fixtures';
import { requireRsyslog, RsyslogProcess } from '../../producers/rsyslog-process';
import { createTopics, deleteTopics, kafkaBrokers, runNames, TopicCollector } from '../enricher-harness';

/**
 * docs/producers.md's rsyslog configuration, as printed but for the broker list and the topic, in a
 * real rsyslogd with omkafka (Debian's rsyslog-kafka): real syslog lines (sshd and sudo, a LEEF
 * firewall line, Santa) go in over TCP, come out of rsyslog as ECS JSON in the run's raw-logs
 * topic, and the built enricher, with its default (ECS) rules and no ENRICHER_LOOKUP_RULES,
 * enriches those whose address or hash is a loaded indicator. Fails (never skips) when rsyslogd or
 * omkafka is missing.
 */
const INDICATORS: (Indicator & { field: string })[] = [
  { kind: 'ip', value: '216.160.83.57', feed: 'Feed-Syslog-Ssh', field: 'source.ip' },
  { kind: 'ip', value: '10.11.12.13', feed: 'Feed-Syslog-Src', field: 'source.ip' },
  { kind: 'ip', value: '10.66.69.21', feed: 'Feed-Syslog-Dst', field: 'destination.ip' },
  { kind: 'sha256', value: 'c4bc09fd2f248534552f517acf3edb9a635aba2b02e46f49df683ea9b778e5b4', feed: 'Feed-Syslog-Hash', field: 'process.hash.sha256' },
];

/**
 * The document's configuration with this run's broker list, topic and failed-messages file (rsyslog
 * writes it only at shutdown, and only if messages failed); each must be replaced exactly once.
 */
function documentedConfig(brokers: string, topic: string, failedFile: string): string {
  let config = producersDocBlock('rsyslog-config');
  const replace = (pattern: RegExp, by: string) => {
    const found = config.match(new RegExp(pattern.source, 'g')) ?? [];
    if (found.length !== 1) throw new Error(`docs/producers.md rsyslog config: expected one ${pattern}, found ${found.length}`);
    config = config.replace(pattern, by);
  };
  replace(/broker=\[[^\]]*\]/, `broker=[${brokers.split(',').map((broker) => JSON.stringify(broker.trim())).join(', ')}]`);
  replace(/topic="raw-logs"/, `topic=${JSON.stringify(topic)}`);
  replace(/failedMsgFile="[^"]*"/, `failedMsgFile=${JSON.stringify(failedFile)}`);
  return config;
}

/** Creates the run's raw topic with the settings topics.yaml gives raw-logs (before createTopics would create it plain). */
async function createRawTopic(topic: string): Promise<void> {
  const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'producers-rsyslog-it' });
  await admin.connect();
  try {
    await admin.ensureTopics([{ topic, partitions: 3, configEntries: { 'message.timestamp.type': 'LogAppendTime' } }]);
  } finally {
    await admin.disconnect();
  }
}

/** How many records a topic holds (for the failure message: did rsyslog deliver, or did the enricher not enrich?). */
async function recordsIn(topic: string): Promise<number> {
  const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'producers-rsyslog-it' });
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('docs/producers.md rsyslog configuration: real syslog through rsyslogd/omkafka and the built enricher', () => {
  const names = runNames('producers-rsyslog');
  const messages = syslogMessages();
  let memcached: MemcachedProcess;
  let client: MemcachedClient;
  let collector: TopicCollector;
  let enricher: ServiceProcess | undefined;
  let rsyslog: RsyslogProcess | undefined;

  beforeAll(async () => {
    requireRsyslog();
    await requireService('kafka');
    await requireService('memcached');
    memcached = await MemcachedProcess.start();
    client = new MemcachedClient({ servers: memcached.server });
    await seedIndicators(client, INDICATORS);
    // raw-logs as docs/producers.md and deploy/k8s/topics.yaml create it: the broker stamps records
    // on arrival (omkafka stamps them with the syslog time, here up to 10 months old or days ahead).
    await createRawTopic(names.raw);
    await createTopics(names);
    collector = new TopicCollector([names.enriched, names.dlq]);
    await collector.start();
    enricher = await startEnricherBundle(names, memcached.server);
    const config = documentedConfig(kafkaBrokers(), names.raw, path.join(tmpdir(), `${names.raw}-failed.json`));
    const ruleset = /ruleset\(name="([^"]+)"\)/.exec(config)?.[1];
    if (ruleset === undefined) throw new Error('docs/producers.md rsyslog config defines no ruleset');
    rsyslog = await RsyslogProcess.start(config, ruleset);
  });

  afterAll(async () => {
    await rsyslog?.stop();
    await enricher?.stop();
    await collector?.stop();
    await client?.close();
    await memcached?.stop();
    await deleteTopics(names);
  });

  it('ships every line as an ECS event, and the lines naming an indicator come out enriched on the documented field', async () => {
    await rsyslog?.send(messages.map((message) => message.line));
    try {
      await collector.waitFor(names.enriched, messages.length, 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nraw-logs holds ${await recordsIn(names.raw)} records\nrsyslogd said:\n${rsyslog?.logs()}`);
    }
    const enriched = collector.json(names.enriched);
    expect(enriched).toHaveLength(messages.length);
    expect(collector.of(names.dlq)).toHaveLength(0);

    const mismatches: string[] = [];
    for (const message of messages) {
      // rsyslog keeps the message text after the syslog header (control characters escaped as #011).
      const text = message.line.replace(/^<\d+>/, '');
      const event = enriched.find((candidate) => text.endsWith(String(candidate['message']).replace(/#011/g, '\t')));
      if (event === undefined) {
        mismatches.push(`${message.origin}: not found in ${names.enriched}`);
        continue;
      }
      if (typeof event['@timestamp'] !== 'string' || typeof (event['host'] as Record<string, unknown> | undefined)?.['hostname'] !== 'string') mismatches.push(`${message.origin}: no @timestamp or host.hostname`);
      const wanted = INDICATORS.filter((indicator) => text.includes(indicator.value));
      const expected = { misp_src: wanted.length === 0 ? 'none' : wanted.map((indicator) => indicator.feed).sort().join(','), matched: wanted.map((indicator) => `${indicator.field}=${indicator.value}`).sort() };
      const threat = event['threat'] as { enrichments?: { matched: { field: string; atomic: string } }[] } | undefined;
      const actual = { misp_src: event['misp_src'], matched: (threat?.enrichments ?? []).map((entry) => `${entry.matched.field}=${entry.matched.atomic}`).sort() };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${message.origin}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    expect(mismatches).toEqual([]);
    // Every indicator was seen, and the documented partitions.auto="on" spread the records.
    expect(INDICATORS.filter((indicator) => !messages.some((message) => message.line.includes(indicator.value)))).toEqual([]);
    expect(new Set(collector.of(names.enriched).map((record) => record.partition)).size).toBeGreaterThan(1);
  });
});
