/**
 * The demo's retro-hunt act (scripts/demo.sh, after the main act): a log event is enriched and
 * indexed while its domain is no indicator (`plant`); then scripts/demo.sh adds the domain to a
 * MISP event in the stand-in and runs misp-sync --once, which publishes the indicator to the
 * indicator topic; the hunter finds the already-indexed event (`check`): a retrospective alert in
 * `iocflow-alerts-*` naming the original document's index and `_id`.
 */
import { randomUUID } from 'node:crypto';
import { ElasticsearchClient, KafkaProducer } from '@iocflow/io';

const env = process.env;
const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const rawTopic = env['RAW_LOGS_TOPIC'] ?? 'raw-logs';
const indexPrefix = env['ELASTICSEARCH_INDEX'] ?? 'iocflow-logs';
const alertsPrefix = env['ALERTS_INDEX'] ?? 'iocflow-alerts';
const timeoutMs = Number(env['DEMO_TIMEOUT_MS'] ?? 120_000);

interface Found<T> {
  readonly _index: string;
  readonly _id: string;
  readonly _source: T;
}

/** Produces one event whose domain is not (yet) an indicator, waits until it is indexed, prints the domain. */
export async function plantRetroEvent(): Promise<void> {
  const domain = `retro-${randomUUID().slice(0, 8)}.demo.example`;
  const producer = new KafkaProducer({ brokers, clientId: 'iocflow-demo' });
  await producer.send([
    {
      topic: rawTopic,
      key: domain,
      value: JSON.stringify({ '@timestamp': new Date().toISOString(), event: { kind: 'event', category: ['network'] }, destination: { domain: `cdn.${domain}` }, labels: { demo_sample: 'retro-hunt: indexed before its indicator' } }),
    },
  ]);
  await producer.disconnect();
  const es = new ElasticsearchClient({ url: env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200' });
  try {
    const found = await waitFor(() => search<{ misp_src?: string }>(es, `${indexPrefix}-*`, { term: { 'destination.domain': `cdn.${domain}` } }));
    console.error(`indexed ${found._index}/${found._id} with misp_src ${found._source.misp_src ?? '(none)'}: cdn.${domain} is no indicator yet`);
  } finally {
    await es.close();
  }
  // stdout is the domain alone: scripts/demo.sh adds it to MISP
  console.log(domain);
}

/** Waits for the hunter's alert for `domain` and prints it. */
export async function checkRetroAlert(domain: string): Promise<void> {
  const es = new ElasticsearchClient({ url: env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200' });
  try {
    type Alert = { iocflow: { hit: { mode: string }; document: { index: string; id: string } }; threat: { enrichments: { matched: { field: string; atomic: string }; feed: { name: string[] } }[] } };
    const alert = await waitFor(() => search<Alert>(es, `${alertsPrefix}-*`, { term: { 'iocflow.indicator.value': domain } }));
    const { iocflow, threat } = alert._source;
    const [enrichment] = threat.enrichments;
    console.log(
      `retro-hunt: ${domain} added to MISP after the event was indexed; alert ${alert._index}/${alert._id.slice(0, 12)}… mode ${iocflow.hit.mode}, ` +
        `${enrichment?.matched.field} = ${enrichment?.matched.atomic} (${enrichment?.feed.name.join(',')}), original document ${iocflow.document.index}/${iocflow.document.id}`,
    );
  } finally {
    await es.close();
  }
}

async function search<T>(es: ElasticsearchClient, index: string, query: Record<string, unknown>): Promise<Found<T> | undefined> {
  await es.refresh(index).catch(() => undefined);
  const answer = await es.search<{ hits: { hits: Found<T>[] } }>(index, { size: 1, query }).catch(() => undefined);
  return answer?.hits.hits[0];
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 500));
  }
}
