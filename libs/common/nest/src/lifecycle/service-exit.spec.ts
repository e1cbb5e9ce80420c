import { ServiceExit } from './service-exit';

describe('ServiceExit', () => {
  it('hands the first failure to the handler, once, and describes it for the health checks', () => {
    const exit = new ServiceExit();
    const seen: string[] = [];
    expect(exit.describe()).toBe('');
    exit.onFail((failure) => seen.push(`${failure.component}: ${failure.message}`));
    exit.fail('kafka-consumer', new Error('KAFKA_REJECTED: not authorised'));
    exit.fail('kafka-consumer', new Error('later'));
    expect(seen).toEqual(['kafka-consumer: KAFKA_REJECTED: not authorised']);
    expect(exit.failed).toEqual({ component: 'kafka-consumer', message: 'KAFKA_REJECTED: not authorised' });
    expect(exit.describe()).toContain('kafka-consumer stopped for good');
  });

  it('delivers a failure that came before the handler was installed', () => {
    const exit = new ServiceExit();
    exit.fail('misp-notifications', 'boom');
    const seen: string[] = [];
    exit.onFail((failure) => seen.push(failure.message));
    expect(seen).toEqual(['boom']);
  });
});
