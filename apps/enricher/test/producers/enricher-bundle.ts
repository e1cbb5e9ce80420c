import { lookupKey } from '@iocflow/core';
import type { MemcachedClient } from '@iocflow/io';
import { freePort, ServiceProcess } from '@iocflow/testing';
import { kafkaBrokers, seedMemcached, type RunNames } from '../integration/enricher-harness';
import type { Indicator } from './expected-enrichment';

/**
 * The built enricher (dist/apps/enricher/main.js, as deployed) on the run's own topics and a
 * private memcached, started as a child process and waited for until ready.
 */
export async function startEnricherBundle(names: RunNames, memcachedServer: string, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const service = ServiceProcess.start('enricher', {
    KAFKA_BROKERS: kafkaBrokers(),
    MEMCACHED_SERVERS: memcachedServer,
    RAW_LOGS_TOPIC: names.raw,
    ENRICHED_LOGS_TOPIC: names.enriched,
    IOC_TOPIC: names.ioc,
    THREAT_HITS_TOPIC: names.hits,
    ENRICHER_GROUP_ID: names.group,
    ENRICHER_CACHE_TTL: '0',
    ENRICHER_PROBE_INTERVAL: '200ms',
    HTTP_PORT: String(port),
    LOG_LEVEL: 'warn',
    ...env,
  });
  await service.waitReady(port);
  return service;
}

/** The indicators as misp-sync stores them (`<kind>-<value>` → feed), with a fresh sync sentinel. */
export async function seedIndicators(client: MemcachedClient, indicators: readonly Indicator[]): Promise<void> {
  await seedMemcached(client, Object.fromEntries(indicators.map((indicator) => [lookupKey(indicator.kind, indicator.value), indicator.feed])));
}
