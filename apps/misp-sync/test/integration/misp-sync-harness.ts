import { connect } from 'node:net';
import { SYNC_SENTINEL_KEY } from '@iocflow/core';
import { KafkaAdmin, KafkaTopicReader } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { MemcachedProcess, requireService, stackEndpoints, uniqueName } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { buildMispSync, closeMispSync, openMispSync, type MispSync } from '../../src/misp-sync.runtime';
import { loadMispSyncConfig, type MispSyncConfig } from '../../src/misp-sync.config';
// The stand-in is a tool project, not a library: tests use it in-process by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { MispStandin } from '../../../../tools/misp-standin/src';

export { MispStandin };

/** Everything one test owns: a stand-in MISP, a private memcached process, unique topics. */
export interface Harness {
  readonly standin: MispStandin;
  readonly memcached: MemcachedProcess;
  readonly iocTopic: string;
  readonly env: Record<string, string>;
  /** A misp-sync instance (what one process would build); several can be started in sequence. */
  start(overrides?: Record<string, string>): Promise<MispSync & { config: MispSyncConfig; registry: Registry }>;
  stop(): Promise<void>;
}

export async function createHarness(standin = new MispStandin(), env: Record<string, string> = {}): Promise<Harness> {
  await requireService('kafka');
  await requireService('memcached');
  await standin.start();
  const memcached = await MemcachedProcess.start();
  const iocTopic = uniqueName('misp-sync-it');
  const baseEnv: Record<string, string> = {
    KAFKA_BROKERS: stackEndpoints().kafkaBrokers,
    MEMCACHED_SERVERS: memcached.server,
    MISP_URL: standin.url,
    MISP_API_KEY: standin.apiKey,
    IOC_TOPIC: iocTopic,
    MISP_INITIAL_LOOKBACK: '0',
    MISP_PAGE_SIZE: '100',
    MISP_RETRIES: '2',
    MISP_RETRY_BASE: '10ms',
    MISP_RETRY_MAX: '50ms',
    MISP_TIMEOUT: '2s',
    // The fixture events are from 2016–2018: expiry by age (issue 15) would remove them all.
    IOC_EXPIRY: 'false',
    LOG_LEVEL: 'error',
    ...env,
  };
  const instances: MispSync[] = [];
  return {
    standin,
    memcached,
    iocTopic,
    env: baseEnv,
    async start(overrides = {}) {
      const config = loadMispSyncConfig({ ...baseEnv, ...overrides });
      const registry = new Registry();
      const built = buildMispSync(config, new JsonLogger('misp-sync-test', config.LOG_LEVEL), registry);
      await openMispSync(config, built.clients);
      instances.push(built);
      return { ...built, config, registry };
    },
    async stop() {
      for (const instance of instances) {
        await instance.runner.stop();
        await closeMispSync(instance.clients);
      }
      await standin.stop();
      await memcached.stop();
      await deleteRunTopics([iocTopic]);
    },
  };
}

/**
 * Deletes what a test created on the shared broker: each topic named and, for an indicator topic,
 * the state topic misp-sync created beside it (`<topic>-sync-state`). One at a time, a missing one
 * ignored (a spec may have deleted it already).
 */
export async function deleteRunTopics(topics: readonly string[]): Promise<void> {
  const admin = new KafkaAdmin({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-it-cleanup' });
  await admin.connect();
  try {
    for (const topic of topics.flatMap((name) => [name, `${name}-sync-state`])) await admin.deleteTopics([topic]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** A plain memcached text-protocol `get` over a socket: what Logstash's filter sees. */
export function rawGet(server: string, key: string): Promise<{ flags: number; value: string } | undefined> {
  const [host = '127.0.0.1', port = '11211'] = server.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host);
    let buffer = Buffer.alloc(0);
    socket.setTimeout(3000, () => socket.destroy(new Error('raw get timed out')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`get ${key}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const text = buffer.toString('utf8');
      if (!text.endsWith('END\r\n')) return;
      socket.end();
      if (text === 'END\r\n') return resolve(undefined);
      const match = /^VALUE (\S+) (\d+) (\d+)\r\n/.exec(text);
      if (!match) return reject(new Error(`unexpected reply ${JSON.stringify(text)}`));
      const header = match[0];
      const bytes = Number(match[3]);
      resolve({ flags: Number(match[2]), value: buffer.subarray(Buffer.byteLength(header), Buffer.byteLength(header) + bytes).toString('utf8') });
    });
  });
}

/**
 * The topic read from the start, compacted by hand: key → last value (tombstoned keys absent).
 * The freshness record (the sync sentinel under its reserved key) is no indicator: left out
 * unless `withFreshness`.
 */
export async function readTopic(topic: string, withFreshness = false): Promise<Map<string, string>> {
  const reader = new KafkaTopicReader({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-it-reader', logLevel: 'error' });
  const result = new Map<string, string>();
  await reader.read(topic, async (batch) => {
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8');
      if (key === undefined || (key === SYNC_SENTINEL_KEY && !withFreshness)) continue;
      if (message.value === null) result.delete(key);
      else result.set(key, message.value.toString('utf8'));
    }
  });
  return result;
}
