import { Registry, Counter } from 'prom-client';
import { HealthServer } from './health-server';
import { LivenessRegistry } from './liveness';
import { ReadinessRegistry } from './readiness';

describe('HealthServer', () => {
  const readiness = new ReadinessRegistry();
  let storeReady = false;
  readiness.register({ name: 'lookup-store', check: () => ({ ready: storeReady, detail: storeReady ? 'ok' : 'sentinel missing' }) });
  const metrics = new Registry();
  new Counter({ name: 'iocflow_test_total', help: 'test counter', registers: [metrics] }).inc(2);
  const liveness = new LivenessRegistry();
  let consumerCrash: string | undefined;
  liveness.register({ name: 'kafka-consumer', check: () => (consumerCrash === undefined ? { live: true } : { live: false, detail: consumerCrash }) });
  const server = new HealthServer({ host: '127.0.0.1', port: 0 }, readiness, metrics, liveness);
  let base = '';

  beforeAll(async () => {
    const address = await server.start();
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => server.stop());

  it('answers liveness regardless of readiness', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('fails liveness, saying which check, once a component stopped for good', async () => {
    consumerCrash = 'KAFKA_REJECTED: kafka consumer crashed';
    const dead = await fetch(`${base}/health/live`);
    expect(dead.status).toBe(503);
    expect(await dead.json()).toEqual({ status: 'dead', checks: { 'kafka-consumer': { live: false, detail: 'KAFKA_REJECTED: kafka consumer crashed' } } });
    consumerCrash = undefined;
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'live', checks: { 'kafka-consumer': { live: true } } });
  });

  it('is live with no liveness checks registered', async () => {
    const bare = new HealthServer({ host: '127.0.0.1', port: 0 }, new ReadinessRegistry(), new Registry());
    const address = await bare.start();
    try {
      expect((await fetch(`http://127.0.0.1:${address.port}/health/live`)).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });

  it('is not ready until every check passes, and says which one failed', async () => {
    const notReady = await fetch(`${base}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { 'lookup-store': { ready: false, detail: 'sentinel missing' } } });
    storeReady = true;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });

  it('serves Prometheus metrics and 404s anything else', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(await response.text()).toContain('iocflow_test_total 2');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
