import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Registry } from 'prom-client';
import { ConfigError } from '../config/config-error';
import type { Environment } from '../config/load-config';
import { LivenessRegistry } from '../health/liveness';
import { ReadinessRegistry } from '../health/readiness';
import { JsonLogger } from '../logging/json-logger';
import { ServiceCoreModule } from '../service-core.module';
import { ServiceExit } from './service-exit';
import { EXIT_CODE, type ServiceCoreConfig, type ServiceDefinition, type ServiceRuntime } from './service-runtime';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface BootOptions {
  /** Default process.env. */
  readonly env?: Environment;
  /** Run `runtime.runOnce()` after the start, then shut down with its verdict (misp-sync `--once`). */
  readonly once?: boolean;
  /** Default process.exit (specs pass a recorder). */
  readonly exit?: (code: number) => void;
}

export interface BootedService<Runtime extends ServiceRuntime> {
  readonly app: INestApplicationContext;
  readonly runtime: Runtime | undefined;
  /** Settles when the start settled: true once started, false when it failed (the service is then shutting down and exits 1). */
  readonly started: Promise<boolean>;
}

type Phase = 'starting' | 'started' | 'stopping';

/**
 * Boots any iocflow service the same way (docs/architecture.md, "One shape for every service"):
 *   1. config     `definition.loadConfig`; invalid → every bad variable on stderr, exit 2, nothing opened
 *   2. core       a NestJS application context holding only ServiceCoreModule: logger, metrics
 *                 registry, liveness/readiness, and the health/metrics listener, open from here on
 *   3. runtime    `definition.createRuntime(config, context)`: the framework-free composition root
 *                 builds the owners and pipeline and registers its health checks
 *   4. start      `runtime.start()`; readiness says `lifecycle: starting` meanwhile. A start that
 *                 fails (brokers unreachable, a topic the service needs missing, a target it
 *                 cannot write) logs `service failed to start` with the error, closes what was
 *                 opened and exits 1 for the orchestrator to restart — never a process that is up
 *                 and consumes nothing
 *   5. run        until SIGTERM/SIGINT (exit 0), a component stopped for good (ServiceExit, exit 1)
 *                 or, with `once`, the end of `runtime.runOnce()` (exit 0 or 1)
 *   6. shutdown   readiness fails (`lifecycle: stopping`) → a start in flight settles →
 *                 `runtime.stop()` (stop fetching, drain, flush, commit, leave the group, close
 *                 clients) → the health listener closes last → exit. A failed drain exits 1; a
 *                 second signal exits 1 at once.
 *
 * The signal is owned here rather than by Nest's `enableShutdownHooks`, which re-raises it after
 * closing, so the process would end "killed by SIGTERM" even after a clean drain.
 */
export async function bootService<Config extends ServiceCoreConfig, Runtime extends ServiceRuntime>(
  definition: ServiceDefinition<Config, Runtime>,
  options: BootOptions = {},
): Promise<BootedService<Runtime> | undefined> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let config: Config;
  try {
    config = definition.loadConfig(options.env ?? process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // one message listing every bad variable, never their values
    console.error(error.message);
    process.exitCode = EXIT_CODE.config;
    return undefined;
  }

  const bootLog = new JsonLogger(definition.name, config.LOG_LEVEL);
  @Module({ imports: [ServiceCoreModule.forRoot({ service: definition.name, logLevel: config.LOG_LEVEL, httpHost: config.HTTP_HOST, httpPort: config.HTTP_PORT })] })
  class ServiceRoot {}
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(ServiceRoot, { logger: ['error', 'warn'], abortOnError: false });
    app.useLogger(app.get(JsonLogger));
  } catch (error) {
    bootLog.emit('error', 'service failed to start', { error });
    exit(EXIT_CODE.failed);
    return undefined;
  }

  let phase: Phase = 'starting';
  const readiness = app.get(ReadinessRegistry);
  readiness.register({ name: 'lifecycle', check: () => (phase === 'started' ? { ready: true } : { ready: false, detail: phase }) });
  const serviceExit = app.get(ServiceExit);
  let runtime: Runtime | undefined;
  let starting: Promise<void> = Promise.resolve();
  let stopping = false;

  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    phase = 'stopping';
    void (async () => {
      let exitCode = code;
      await starting.catch(() => undefined);
      try {
        await runtime?.stop();
      } catch (error) {
        bootLog.emit('error', 'shutdown failed', { error });
        exitCode = EXIT_CODE.failed;
      }
      await app.close().catch((error: unknown) => bootLog.emit('error', 'closing the health listener failed', { error }));
      bootLog.emit('info', 'stopped', { exitCode });
      exit(exitCode);
    })();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      bootLog.emit('warn', 'second signal: exiting without draining', { signal });
      exit(EXIT_CODE.failed);
      return;
    }
    bootLog.emit('info', 'shutting down', { signal });
    shutdown(EXIT_CODE.ok);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  serviceExit.onFail((failure) => {
    if (stopping) return;
    bootLog.emit('error', 'a component stopped for good: shutting down to be restarted', { ...failure });
    shutdown(EXIT_CODE.failed);
  });

  const runOnce = async (target: Runtime): Promise<void> => {
    let ok = false;
    try {
      if (target.runOnce === undefined) throw new Error(`${definition.name} has no single run (--once)`);
      ok = await target.runOnce();
    } catch (error) {
      bootLog.emit('error', 'the single run failed', { error });
    }
    shutdown(ok ? EXIT_CODE.ok : EXIT_CODE.failed);
  };

  const started = (async (): Promise<boolean> => {
    try {
      runtime = definition.createRuntime(config, {
        logger: app.get(JsonLogger),
        registry: app.get(Registry),
        liveness: app.get(LivenessRegistry),
        readiness,
        stoppedForGood: (component, error) => serviceExit.fail(component, error),
      });
      starting = runtime.start();
      await starting;
    } catch (error) {
      if (!stopping) {
        bootLog.emit('error', 'service failed to start', { error });
        shutdown(EXIT_CODE.failed);
      }
      return false;
    }
    if (stopping) return false;
    phase = 'started';
    bootLog.emit('info', 'started');
    if (options.once) void runOnce(runtime);
    return true;
  })();

  return { app, runtime, started };
}
