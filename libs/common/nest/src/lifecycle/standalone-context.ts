import { Registry } from 'prom-client';
import { LivenessRegistry } from '../health/liveness';
import { ReadinessRegistry } from '../health/readiness';
import { JsonLogger, type LogLevel } from '../logging/json-logger';
import type { ServiceContext } from './service-runtime';

/**
 * A ServiceContext without the boot helper, for integration tests and benches that construct a
 * runtime directly: its own registries; a component stopped for good is only recorded.
 */
export function standaloneContext(service: string, logLevel: LogLevel = 'warn', registry: Registry = new Registry()): ServiceContext & { readonly failures: string[] } {
  const failures: string[] = [];
  return {
    logger: new JsonLogger(service, logLevel),
    registry,
    liveness: new LivenessRegistry(),
    readiness: new ReadinessRegistry(),
    stoppedForGood: (component, error) => failures.push(`${component}: ${error instanceof Error ? error.message : String(error)}`),
    failures,
  };
}
