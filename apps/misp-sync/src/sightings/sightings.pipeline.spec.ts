import { buildThreatHit, MispError } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaProducedRecord, MispSightingRequest } from '@iocflow/io';
import { Registry } from 'prom-client';
import { SightingsPipeline, SightingsStoppedError, type SightingsPipelineOptions } from './sightings.pipeline';
import { SightingsMetrics } from './sightings.metrics';
import { SightingsState } from './sightings-state';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 6);

/** A MISP that records requests and answers from a script (`down` failures first, then `answer`). */
class ScriptedMisp {
  readonly requests: MispSightingRequest[] = [];
  down = 0;
  answer: (request: MispSightingRequest) => { kind: 'added'; message: string } | { kind: 'refused'; reason: 'not_found' | 'invalid'; detail: string } = () => ({ kind: 'added', message: 'ok' });
  rejectNext = false;
  async addSightings(request: MispSightingRequest) {
    this.requests.push(request);
    if (this.down > 0) {
      this.down--;
      throw new MispError('MISP_UNAVAILABLE', 'POST /sightings/add: ECONNREFUSED');
    }
    if (this.rejectNext) {
      this.rejectNext = false;
      throw new MispError('MISP_REJECTED', 'POST /sightings/add: Bad Request', 400);
    }
    return this.answer(request);
  }
}

class RecordingProducer {
  readonly sent: KafkaProducedRecord[] = [];
  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    this.sent.push(...records);
  }
}

const options: SightingsPipelineOptions = { source: 'iocflow', windowMs: HOUR, batchSize: 2, ratePerSecond: 1000, retryInitialMs: 1, retryMaxMs: 2, holdMaxMs: 60_000 };

function hits(...entries: [string, number][]): KafkaConsumedBatch {
  return {
    topic: 'threat-hits',
    partition: 0,
    highWatermark: String(entries.length),
    messages: entries.map(([indicator, eventMs], i) => ({
      offset: String(i),
      key: null,
      headers: {},
      timestamp: '0',
      value: Buffer.from(
        JSON.stringify(
          buildThreatHit({ mode: 'live', origin: { topic: 'raw', partition: 0, offset: String(i) }, document: { id: `raw-0-${i}` }, eventTimestamp: eventMs, match: { field: 'f', atomic: indicator, kind: 'domain', indicator, feeds: ['x'] }, atMs: T0 + 5 * HOUR }),
        ),
      ),
    })),
  };
}

function setup(overrides: Partial<SightingsPipelineOptions> = {}) {
  const misp = new ScriptedMisp();
  const producer = new RecordingProducer();
  const registry = new Registry();
  const state = new SightingsState('threat-hits-sightings', 7 * 24 * HOUR);
  const metrics = new SightingsMetrics(registry);
  const logged: string[] = [];
  const build = (s: SightingsState) =>
    new SightingsPipeline({ ...options, ...overrides }, misp, s, producer, metrics, { held: () => logged.push('held'), skipped: (reason) => logged.push(reason) });
  const counter = async (name: string): Promise<Record<string, number>> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
  };
  return { misp, producer, state, pipeline: build(state), build, counter, logged };
}

describe('SightingsPipeline', () => {
  it('sends one sighting per indicator per window, batched per window, dated at the window start, and records them', async () => {
    const { misp, producer, pipeline, counter } = setup();
    await pipeline.handleBatch(hits(['a.com', T0 + 1], ['a.com', T0 + 2], ['b.com', T0 + 3], ['c.com', T0 + 4], ['a.com', T0 + HOUR + 1]));
    expect(misp.requests).toEqual([
      { values: ['a.com', 'b.com'], timestamp: T0 / 1000, source: 'iocflow' },
      { values: ['c.com'], timestamp: T0 / 1000, source: 'iocflow' },
      { values: ['a.com'], timestamp: (T0 + HOUR) / 1000, source: 'iocflow' },
    ]);
    expect(producer.sent).toHaveLength(4);
    expect(await counter('iocflow_misp_sync_sightings_sent_total')).toEqual({ total: 4 });
    expect(await counter('iocflow_misp_sync_sightings_suppressed_total')).toEqual({ total: 1 });
  });

  it('does not send again what the state recorded, in this process or after a restart (state read back)', async () => {
    const { misp, producer, pipeline, build } = setup();
    const batch = hits(['a.com', T0 + 1]);
    await pipeline.handleBatch(batch);
    await pipeline.handleBatch(batch);
    expect(misp.requests).toHaveLength(1);
    // a new process: the state topic as read back
    const restored = new SightingsState('threat-hits-sightings', 7 * 24 * HOUR);
    restored.restore({ topic: 'threat-hits-sightings', partition: 0, highWatermark: '1', messages: producer.sent.map((r, i) => ({ offset: String(i), key: Buffer.from(String(r.key)), value: Buffer.from(String(r.value)), headers: {}, timestamp: '0' })) });
    await build(restored).handleBatch(hits(['a.com', T0 + 30 * 60_000]));
    expect(misp.requests).toHaveLength(1);
  });

  it('holds while MISP is down and sends once it is back: nothing lost, nothing doubled', async () => {
    const { misp, pipeline, counter, logged } = setup();
    misp.down = 3;
    await pipeline.handleBatch(hits(['a.com', T0 + 1]));
    expect(misp.requests).toHaveLength(4);
    expect(await counter('iocflow_misp_sync_sightings_sent_total')).toEqual({ total: 1 });
    expect(await counter('iocflow_misp_sync_sightings_retries_total')).toEqual({ MISP_UNAVAILABLE: 3 });
    expect(logged.filter((l) => l === 'held')).toHaveLength(3);
  });

  it('gives the batch back uncommitted after holdMaxMs, and a stop ends a hold at once', async () => {
    const held = setup({ holdMaxMs: 0 });
    held.misp.down = 1;
    await expect(held.pipeline.handleBatch(hits(['a.com', T0]))).rejects.toMatchObject({ code: 'SIGHTINGS_HELD', retriable: true, cause: { code: 'MISP_UNAVAILABLE' } });
    expect(held.producer.sent).toHaveLength(0);
    const stopped = setup({ retryInitialMs: 60_000, retryMaxMs: 60_000 });
    stopped.misp.down = 10;
    const pending = stopped.pipeline.handleBatch(hits(['a.com', T0]));
    setTimeout(() => stopped.pipeline.stop(), 20);
    await expect(pending).rejects.toBeInstanceOf(SightingsStoppedError);
  });

  it('skips for good, counted by reason, what MISP refuses for its content, and does not ask again in the window', async () => {
    const { misp, pipeline, counter } = setup();
    misp.answer = () => ({ kind: 'refused', reason: 'not_found', detail: 'No valid attributes found that match the criteria.' });
    await pipeline.handleBatch(hits(['a.com', T0 + 1]));
    misp.rejectNext = true;
    await pipeline.handleBatch(hits(['b.com', T0 + 1], ['a.com', T0 + 2]));
    expect(misp.requests.map((r) => r.values)).toEqual([['a.com'], ['b.com']]);
    expect(await counter('iocflow_misp_sync_sightings_failed_total')).toEqual({ not_found: 1, rejected: 1 });
  });

  it('counts unreadable hit records and goes on', async () => {
    const { misp, pipeline, counter } = setup();
    const batch = hits(['a.com', T0]);
    await pipeline.handleBatch({ ...batch, messages: [{ ...batch.messages[0]!, value: Buffer.from('nope') }, ...batch.messages] });
    expect(misp.requests).toHaveLength(1);
    expect(await counter('iocflow_misp_sync_sightings_failed_total')).toEqual({ invalid_hit: 1 });
  });
});
