import { z } from 'zod';
import { loadConfig } from '../config/load-config';
import { logLevel } from '../config/env-schemas';
import { HealthServer } from '../health/health-server';
import { bootService, type BootedService } from './boot-service';
import type { ServiceContext, ServiceDefinition, ServiceRuntime } from './service-runtime';

const schema = z.object({ LOG_LEVEL: logLevel, HTTP_HOST: z.string().default('127.0.0.1'), HTTP_PORT: z.coerce.number().default(0), FAIL: z.enum(['no', 'yes']).default('no') });
type Config = z.output<typeof schema>;

/** A runtime whose start the spec releases or fails by hand. */
class FakeRuntime implements ServiceRuntime {
  readonly calls: string[] = [];
  private release: (() => void) | undefined;
  private reject: ((error: Error) => void) | undefined;

  constructor(readonly context: ServiceContext) {}

  start(): Promise<void> {
    this.calls.push('start');
    return new Promise((resolve, reject) => {
      this.release = resolve;
      this.reject = reject;
    });
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
  }

  async runOnce(): Promise<boolean> {
    this.calls.push('runOnce');
    return true;
  }

  started(): void {
    this.release?.();
  }

  failed(error: Error): void {
    this.reject?.(error);
  }
}

const definition: ServiceDefinition<Config, FakeRuntime> = {
  name: 'boot-spec',
  loadConfig: (env) => loadConfig(schema, env),
  createRuntime: (_config, context) => new FakeRuntime(context),
};

describe('bootService', () => {
  const listeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  let exits: number[];
  let exited: Promise<number>;
  let exit: (code: number) => void;
  beforeEach(() => {
    exits = [];
    exited = new Promise((resolve) => {
      exit = (code) => {
        exits.push(code);
        resolve(code);
      };
    });
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const listener of process.listeners(signal)) if (!listeners[signal].includes(listener)) process.off(signal, listener);
  });

  async function boot(env: Record<string, string> = {}, once = false): Promise<{ booted: BootedService<FakeRuntime>; runtime: FakeRuntime; health: (path: string) => Promise<{ status: number; body: unknown }> }> {
    const booted = await bootService(definition, { env: { LOG_LEVEL: 'error', ...env }, exit, once });
    if (booted?.runtime === undefined) throw new Error('not booted');
    const port = booted.app.get(HealthServer).address()?.port;
    return {
      booted,
      runtime: booted.runtime,
      health: async (path) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: response.status, body: await response.json() };
      },
    };
  }

  it('exits 2 on an invalid environment, listing the variable, opening nothing', async () => {
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const previous = process.exitCode;
    try {
      expect(await bootService(definition, { env: { FAIL: 'maybe' }, exit })).toBeUndefined();
      expect(process.exitCode).toBe(2);
      expect(String(stderr.mock.calls[0]?.[0])).toContain('FAIL:');
    } finally {
      process.exitCode = previous;
    }
    expect(exits).toEqual([]);
  });

  it('is live but not ready while starting, ready once started, and stops the runtime before exiting 0 on SIGTERM', async () => {
    const { booted, runtime, health } = await boot();
    expect(await health('/health/live')).toMatchObject({ status: 200 });
    expect(await health('/health/ready')).toEqual({ status: 503, body: { ready: false, checks: { service: { ready: true }, lifecycle: { ready: false, detail: 'starting' } } } });
    runtime.started();
    expect(await booted.started).toBe(true);
    expect((await health('/health/ready')).status).toBe(200);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(runtime.calls).toEqual(['start', 'stop']);
  });

  // Issue 13: an enricher whose start failed stayed up, answering 200 on both probes, consuming nothing.
  it('closes what was opened and exits 1 when the start fails, never ready meanwhile', async () => {
    const { booted, runtime, health } = await boot();
    expect((await health('/health/ready')).status).toBe(503);
    runtime.failed(new Error('KAFKA_UNAVAILABLE: This server does not host this topic-partition'));
    expect(await booted.started).toBe(false);
    expect(await exited).toBe(1);
    expect(runtime.calls).toEqual(['start', 'stop']);
  });

  it('shuts down and exits 1 when a component stopped for good, the health listener closed last', async () => {
    const { booted, runtime, health } = await boot();
    runtime.started();
    await booted.started;
    runtime.context.stoppedForGood('kafka-consumer', new Error('KAFKA_REJECTED: not authorised'));
    expect(await exited).toBe(1);
    expect(runtime.calls).toEqual(['start', 'stop']);
    await expect(health('/health/live')).rejects.toThrow();
  });

  it('on SIGTERM during the start, lets the start settle, then stops the runtime and exits 0, not ready meanwhile', async () => {
    const { booted, runtime, health } = await boot();
    process.emit('SIGTERM', 'SIGTERM');
    expect(await health('/health/ready')).toMatchObject({ status: 503, body: { checks: { lifecycle: { ready: false, detail: 'stopping' } } } });
    expect(runtime.calls).toEqual(['start']);
    runtime.started();
    expect(await booted.started).toBe(false);
    expect(await exited).toBe(0);
    expect(runtime.calls).toEqual(['start', 'stop']);
  });

  it('with once, runs once after the start and exits with its verdict', async () => {
    const { runtime } = await boot({}, true);
    runtime.started();
    expect(await exited).toBe(0);
    expect(runtime.calls).toEqual(['start', 'runOnce', 'stop']);
  });
});
