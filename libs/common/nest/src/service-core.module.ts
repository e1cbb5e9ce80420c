import { Global, Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { HealthServer } from './health/health-server';
import { LivenessRegistry } from './health/liveness';
import { ReadinessRegistry } from './health/readiness';
import { ServiceExit } from './lifecycle/service-exit';
import { JsonLogger, type LogLevel } from './logging/json-logger';

export interface ServiceCoreOptions {
  /** Stable service name: a log field and the `service` label on every metric. */
  readonly service: string;
  readonly logLevel: LogLevel;
  readonly httpHost: string;
  readonly httpPort: number;
}

export const SERVICE_CORE_OPTIONS = Symbol('SERVICE_CORE_OPTIONS');

/** Owns the health/metrics listener: opened at bootstrap, closed last at shutdown. */
class HealthServerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(HealthServer) private readonly server: HealthServer,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const address = await this.server.start();
    this.logger.child('health').info('health and metrics listening', { host: address.address, port: address.port });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.stop();
  }
}

/**
 * What every iocflow service shares: the JSON logger, the Prometheus registry (default
 * process metrics included, labelled by service), readiness and liveness checks, the ServiceExit
 * a component that stopped for good ends the process through, and the HTTP listener for
 * /health/* and /metrics. Services are otherwise headless.
 */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(options: ServiceCoreOptions): DynamicModule {
    const logger = new JsonLogger(options.service, options.logLevel);
    const metrics = new Registry();
    metrics.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: metrics, prefix: 'iocflow_' });
    const readiness = new ReadinessRegistry();
    const liveness = new LivenessRegistry();
    // A component stopped for good fails both probes until the process has exited (see ServiceExit).
    const exit = new ServiceExit();
    liveness.register({ name: 'service', check: () => (exit.failed === undefined ? { live: true } : { live: false, detail: exit.describe() }) });
    readiness.register({ name: 'service', check: () => (exit.failed === undefined ? { ready: true } : { ready: false, detail: exit.describe() }) });
    return {
      module: ServiceCoreModule,
      providers: [
        { provide: SERVICE_CORE_OPTIONS, useValue: options },
        { provide: JsonLogger, useValue: logger },
        { provide: Registry, useValue: metrics },
        { provide: ReadinessRegistry, useValue: readiness },
        { provide: LivenessRegistry, useValue: liveness },
        { provide: ServiceExit, useValue: exit },
        { provide: HealthServer, useValue: new HealthServer({ host: options.httpHost, port: options.httpPort }, readiness, metrics, liveness) },
        HealthServerLifecycle,
      ],
      exports: [SERVICE_CORE_OPTIONS, JsonLogger, Registry, ReadinessRegistry, LivenessRegistry, ServiceExit, HealthServer],
    };
  }
}
