import { ConsumerHealth } from './consumer-health';
import { LivenessRegistry } from './liveness';
import { ReadinessRegistry } from './readiness';

describe('ConsumerHealth', () => {
  function registered(): { health: ConsumerHealth; live: () => boolean; ready: () => { ready: boolean; detail?: string } } {
    const health = new ConsumerHealth();
    const liveness = new LivenessRegistry();
    const readiness = new ReadinessRegistry();
    health.register(liveness, readiness);
    return { health, live: () => liveness.evaluate().live, ready: () => readiness.evaluate().checks['kafka-consumer'] ?? { ready: false } };
  }

  it('is live but not ready until the consumer joined its group', () => {
    const { health, live, ready } = registered();
    expect(live()).toBe(true);
    expect(ready()).toEqual({ ready: false, detail: 'joining its group' });
    health.joined();
    expect(ready()).toEqual({ ready: true });
  });

  it('is not ready after a crash it restarts from, until it rejoined', () => {
    const { health, live, ready } = registered();
    health.joined();
    health.crashed(new Error('KAFKA_UNAVAILABLE: connection refused'), true);
    expect(ready()).toEqual({ ready: false, detail: 'rejoining its group after: KAFKA_UNAVAILABLE: connection refused' });
    expect(live()).toBe(true);
    health.joined();
    expect(ready().ready).toBe(true);
  });

  it('is neither live nor ready once the consumer stopped for good', () => {
    const { health, live, ready } = registered();
    health.joined();
    health.crashed(new Error('KAFKA_REJECTED: not authorised'), false);
    expect(live()).toBe(false);
    expect(ready()).toEqual({ ready: false, detail: 'stopped for good: KAFKA_REJECTED: not authorised' });
    health.joined();
    expect(live()).toBe(false);
  });
});
