import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { JsonLogger, LivenessRegistry, ReadinessRegistry, ServiceExit } from '@iocflow/nest';
import { Registry } from 'prom-client';
import { ENRICHER_CONFIG } from './enricher.tokens';
import type { EnricherConfig } from './enricher.config';
import { EnricherRuntime } from './enricher.runtime';

/** NestJS adapter: starts the runtime at bootstrap, stops it on SIGTERM/SIGINT, feeds readiness and liveness, ends the process when the consumer stopped for good. */
@Injectable()
export class EnricherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runtime: EnricherRuntime;

  constructor(
    @Inject(ENRICHER_CONFIG) config: EnricherConfig,
    @Inject(Registry) registry: Registry,
    @Inject(JsonLogger) logger: JsonLogger,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
    @Inject(LivenessRegistry) liveness: LivenessRegistry,
    @Inject(ServiceExit) exit: ServiceExit,
  ) {
    // A consumer stopped for good ends the process (exit 1, restarted), never a zombie.
    this.runtime = new EnricherRuntime(config, registry, logger.child('pipeline'), (component, error) => exit.fail(component, error));
    liveness.register({ name: 'kafka-consumer', check: () => this.runtime.liveness() });
    readiness.register({
      name: 'lookup-store',
      check: () => {
        const status = this.runtime.status();
        return status.reason === undefined ? { ready: status.usable } : { ready: status.usable, detail: status.reason };
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}
