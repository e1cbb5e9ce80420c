import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ServiceCoreModule } from '../service-core.module';
import { runService } from './run-service';
import { ServiceExit } from './service-exit';

/** A component that stops for good as soon as the service runs (as a Kafka consumer after a non-retriable error). */
@Injectable()
class StopsForGood implements OnApplicationBootstrap {
  constructor(@Inject(ServiceExit) private readonly exit: ServiceExit) {}
  onApplicationBootstrap(): void {
    setTimeout(() => this.exit.fail('kafka-consumer', new Error('KAFKA_REJECTED: not authorised')), 10);
  }
}

@Module({ imports: [ServiceCoreModule.forRoot({ service: 'run-service-spec', logLevel: 'error', httpHost: '127.0.0.1', httpPort: 0 })], providers: [StopsForGood] })
class FailingService {}

describe('runService', () => {
  const listeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  afterEach(() => {
    jest.restoreAllMocks();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const listener of process.listeners(signal)) if (!listeners[signal].includes(listener)) process.off(signal, listener);
  });

  // Issue 11: a consumer crashed for good left the process up, consuming nothing.
  it('shuts the service down and exits 1 when a component stopped for good, failing both probes meanwhile', async () => {
    const exited = new Promise<number | undefined>((resolve) => {
      jest.spyOn(process, 'exit').mockImplementation(((code?: number) => resolve(code)) as typeof process.exit);
    });
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const app = await runService('run-service-spec', FailingService);
    expect(app).toBeDefined();
    expect(await exited).toBe(1);
    expect(app?.get(ServiceExit).describe()).toContain('kafka-consumer stopped for good: KAFKA_REJECTED: not authorised');
  });
});
