/**
 * The demo's last act (scripts/demo.sh syncs MISP and the feed and runs the services first):
 * produce real log samples to RAW_LOGS_TOPIC, wait until the indexer has put every one of them
 * into Elasticsearch (and the bad one into the enricher's dead-letter topic), then print what
 * iocflow made of each. Exits 1 when a document is missing, a planted value did not hit on its
 * field, or a real log line hit.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElasticsearchClient, KafkaAdmin, KafkaProducer, KafkaTopicReader } from '@iocflow/io';
import { fixturesDir, zeekLogAsEcs } from '@iocflow/testing';
import { buildDemoSamples, type DemoSample } from './demo-samples';
import { pickIndicators } from './pick-indicators';
import { checkRetroAlert, plantRetroEvent } from './retro-act';

const env = process.env;
const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const rawTopic = env['RAW_LOGS_TOPIC'] ?? 'raw-logs';
const deadLetterTopic = `${rawTopic}-dlq`;
const indexPrefix = env['ELASTICSEARCH_INDEX'] ?? 'iocflow-logs';
/** The repository's test/fixtures (SOURCES.md there gives each file's origin and licence). */
const fixturesRoot = env['DEMO_FIXTURES_ROOT'] ?? fixturesDir();
const timeoutMs = Number(env['DEMO_TIMEOUT_MS'] ?? 120_000);

interface Hit {
  readonly _source: { labels?: { demo_sample?: string }; misp_src?: string; threat?: { enrichments?: { matched?: { field?: string; atomic?: string } }[] } };
}

async function main(): Promise<void> {
  const runId = randomUUID();
  const indicators = pickIndicators(fixturesRoot);
  const read = (file: string): string => readFileSync(join(fixturesRoot, file), 'utf8');
  // Zeek's baselines mask their times: the demo's events are dated now.
  const logs = {
    zeekDns: zeekLogAsEcs(read('zeek/testing/btest/Baseline/opt.basic/dns.log'), { start: new Date() }),
    zeekHttp: zeekLogAsEcs(read('zeek/testing/btest/Baseline/opt.basic/http.log'), { start: new Date() }),
    nginx: JSON.parse(read('elastic-beats/filebeat/module/nginx/access/test/test.log-expected.json')) as Record<string, unknown>[],
  };
  const samples = buildDemoSamples(runId, logs, indicators);

  await createLogTopic();
  const producer = new KafkaProducer({ brokers, clientId: 'iocflow-demo' });
  await producer.send(samples.map((sample, i) => ({ topic: rawTopic, key: `${runId}-${i}`, value: sample.value })));
  await producer.disconnect();
  console.log(`produced ${samples.length} events to ${rawTopic} (run ${runId})`);

  const es = new ElasticsearchClient({ url: env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200' });
  const expectedDocs = samples.filter((sample) => isJsonObject(sample.value)).length;
  const hits = await waitForDocuments(es, runId, expectedDocs);
  await es.close();
  const deadLetters = await countDeadLetters(runId);

  const wrong = printTable(samples, hits);
  const matched = hits.filter((hit) => (hit._source.threat?.enrichments?.length ?? 0) > 0).length;
  console.log(
    [
      '',
      'The real log lines and the intelligence come from unrelated public sources (test/fixtures/SOURCES.md), so no',
      "real line matches: each 'planted' row is a real line with one field set to a real indicator, taken from the",
      "MISP stand-in's events (served under feed tags) or from the MISP feed misp-sync read through FEED_URL.",
    ].join('\n'),
  );
  console.log(`\n${samples.length} produced, ${hits.length} enriched and indexed into ${indexPrefix}-* (${matched} hits), ${deadLetters} dead-lettered to ${deadLetterTopic}`);
  if (wrong.length > 0) console.error(`unexpected: ${wrong.join('; ')}`);
  if (hits.length !== expectedDocs || deadLetters !== samples.length - expectedDocs || wrong.length > 0) process.exitCode = 1;
}

async function waitForDocuments(es: ElasticsearchClient, runId: string, expected: number): Promise<Hit[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await es
      .request<{ hits: { hits: Hit[] } }>('POST', `/${indexPrefix}-*/_search`, {
        size: 1000,
        query: { term: { 'labels.demo_run': runId } },
      })
      .catch(() => ({ hits: { hits: [] as Hit[] } }));
    if (response.hits.hits.length >= expected || Date.now() > deadline) return response.hits.hits;
    await new Promise((done) => setTimeout(done, 500));
  }
}

async function countDeadLetters(runId: string): Promise<number> {
  const reader = new KafkaTopicReader({ brokers, clientId: 'iocflow-demo' });
  let count = 0;
  await reader.read(deadLetterTopic, async (batch) => {
    count += batch.messages.filter((message) => message.key?.toString('utf8').startsWith(runId)).length;
  });
  await reader.stop();
  return count;
}

/** Prints one row per sample; returns the samples whose outcome is not the planned one. */
function printTable(samples: readonly DemoSample[], hits: readonly Hit[]): string[] {
  const bySample = new Map(hits.map((hit) => [hit._source.labels?.demo_sample, hit._source]));
  const wrong: string[] = [];
  const rows = samples.map((sample) => {
    const doc = bySample.get(sample.label);
    const matches = doc?.threat?.enrichments?.map((enrichment) => enrichment.matched) ?? [];
    const fields = matches.map((match) => match?.field);
    if (doc && (sample.expectMatchOn ? !fields.includes(sample.expectMatchOn) : matches.length > 0)) wrong.push(`${sample.label}: matched ${fields.join(', ') || 'nothing'}`);
    const match = matches[0];
    return [sample.label, doc ? (doc.misp_src ?? '(missing)') : '(dead-lettered)', match ? `${match.field} = ${match.atomic}` : ''];
  });
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length), 10));
  const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(`\n${line(['sample', 'misp_src', 'matched'])}\n${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const row of rows) console.log(line(row));
  return wrong;
}

/**
 * The log topic is the users' to create (docs/operations.md); the demo does it as they would,
 * before the enricher starts (an enricher whose input topic does not exist exits 1).
 */
async function createLogTopic(): Promise<void> {
  const admin = new KafkaAdmin({ brokers, clientId: 'iocflow-demo' });
  try {
    await admin.ensureTopics([{ topic: rawTopic, partitions: 6 }]);
  } finally {
    await admin.disconnect();
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const acts: Record<string, () => Promise<unknown>> = {
  topics: createLogTopic,
  'retro-plant': plantRetroEvent,
  'retro-check': () => checkRetroAlert(process.argv[3] ?? ''),
};
const act = (acts[process.argv[2] ?? ''] ?? main)();
act.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
