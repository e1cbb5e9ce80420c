import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { JsonLogger } from '../logging/json-logger';
import { ServiceExit } from './service-exit';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Boots a headless service: a NestJS application context (no HTTP framework; the health
 * listener is a provider). On SIGTERM or SIGINT the context is closed — every provider's
 * shutdown hook runs: pipelines stop fetching, finish the batch, flush, commit and leave the
 * consumer group — and the process exits 0 (1 if the drain failed). A second signal exits at
 * once. A failure to boot exits 1 with the reason as a JSON log line. A component that stops for
 * good (ServiceExit.fail) shuts the service down the same way and exits 1.
 *
 * Nest's own `enableShutdownHooks` re-raises the signal after closing, so the process would end
 * "killed by SIGTERM" even after a clean drain; owning the signal keeps the exit status honest.
 */
export async function runService(service: string, module: Type<unknown>): Promise<INestApplicationContext | undefined> {
  const logger = new JsonLogger(service, 'info');
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'], abortOnError: false });
    app.useLogger(app.get(JsonLogger));
  } catch (error) {
    logger.emit('error', 'service failed to start', { error });
    process.exitCode = 1;
    return undefined;
  }

  let stopping = false;
  const shutdown = (exitCode: 0 | 1): void => {
    stopping = true;
    app.close().then(
      () => {
        logger.emit('info', 'stopped', { exitCode });
        process.exit(exitCode);
      },
      (error: unknown) => {
        logger.emit('error', 'shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.emit('warn', 'second signal: exiting without draining', { signal });
      process.exit(1);
    }
    logger.emit('info', 'shutting down', { signal });
    shutdown(0);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  // A component that stopped for good ends the process (exit 1) instead of leaving it up doing nothing.
  app.get(ServiceExit).onFail((failure) => {
    if (stopping) return;
    logger.emit('error', 'a component stopped for good: shutting down to be restarted', { ...failure });
    shutdown(1);
  });
  return app;
}
