import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { JsonLogger } from '../logging/json-logger';

/**
 * Boots a headless service: a NestJS application context (no HTTP framework; the health
 * listener is a provider), with shutdown hooks so SIGTERM/SIGINT drain the pipeline, commit
 * and leave the consumer group before exit. A failure to boot (bad config, unreachable
 * dependency that is not retried) exits non-zero with the reason on stderr.
 */
export async function runService(service: string, module: Type<unknown>): Promise<INestApplicationContext | undefined> {
  const bootLogger = new JsonLogger(service, 'info');
  try {
    const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'], abortOnError: false });
    app.useLogger(app.get(JsonLogger));
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    return app;
  } catch (error) {
    bootLogger.emit('error', 'service failed to start', { error });
    process.exitCode = 1;
    return undefined;
  }
}
