import type { Registry } from 'prom-client';
import type { Environment } from '../config/load-config';
import type { LivenessRegistry } from '../health/liveness';
import type { ReadinessRegistry } from '../health/readiness';
import type { JsonLogger, LogLevel } from '../logging/json-logger';

/** Exit codes every iocflow service ends with. */
export const EXIT_CODE = {
  /** A signal, drained and closed cleanly; `--once` succeeded. */
  ok: 0,
  /** A start that failed, a component that stopped for good, a drain that failed, `--once` failed: a restart may help. */
  failed: 1,
  /** The environment is invalid (every bad variable is listed on stderr): a restart cannot help, fix the configuration. */
  config: 2,
} as const;

/** The settings the boot helper itself reads from every service's validated config. */
export interface ServiceCoreConfig {
  readonly LOG_LEVEL: LogLevel;
  readonly HTTP_HOST: string;
  readonly HTTP_PORT: number;
}

/** What a runtime gets from the boot helper: the shared logger, metrics and health registries. */
export interface ServiceContext {
  readonly logger: JsonLogger;
  readonly registry: Registry;
  readonly liveness: LivenessRegistry;
  readonly readiness: ReadinessRegistry;
  /** A component stopped for good (a consumer after a non-retriable error): the service shuts down and exits 1. */
  stoppedForGood(component: string, error: unknown): void;
}

/**
 * A service's composition root, framework-free: the constructor builds every owner and the
 * pipeline from the config and registers its health checks; `start` opens them in order and
 * resolves once the service works (or rejects: the process then exits 1); `stop` closes them in
 * the reverse order — stop fetching, drain in-flight work, flush, commit, leave the group, close
 * clients — and must cope with a start that failed half-way. Tests and benches construct the same
 * class directly.
 */
export interface ServiceRuntime {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `--once` services: one run after start; true when it succeeded (exit 0), else exit 1. */
  runOnce?(): Promise<boolean>;
}

/** One service, as `bootService` runs it: its name, its config loader, its runtime factory. */
export interface ServiceDefinition<Config extends ServiceCoreConfig, Runtime extends ServiceRuntime = ServiceRuntime> {
  /** Stable service name: a log field and the `service` label on every metric. */
  readonly name: string;
  /** Validates the environment; throws a ConfigError listing every bad variable. */
  loadConfig(env: Environment): Config;
  createRuntime(config: Config, context: ServiceContext): Runtime;
}
