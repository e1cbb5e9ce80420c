import { ConfigError } from '@iocflow/nest';
import { DEFAULT_LOOKUP_RULES } from '@iocflow/core';
import { loadHunterConfig } from './hunter.config';

describe('loadHunterConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadHunterConfig({})).toMatchObject({
      IOC_TOPIC: 'misp-iocs',
      THREAT_HITS_TOPIC: 'threat-hits',
      HUNTER_GROUP_ID: 'iocflow-hunter',
      RETRO_HUNT_START: 'latest',
      RETRO_HUNT_WINDOW: 30 * 86_400_000,
      RETRO_HUNT_QUERIES_PER_SECOND: 5,
      RETRO_HUNT_MAX_HITS_PER_INDICATOR: 500,
      RETRO_HUNT_SEARCH_DEADLINE: 10_000,
      RETRO_HUNT_SKIP_LIVE_MATCHED: true,
      ENRICHER_PARENT_DOMAINS: true,
      logsPattern: 'iocflow-logs-*',
      alertsTarget: { kind: 'daily', prefix: 'iocflow-alerts' },
      lookupRules: DEFAULT_LOOKUP_RULES,
    });
  });

  it('searches the data stream and writes an alerts data stream in data-stream mode', () => {
    expect(loadHunterConfig({ ELASTICSEARCH_INDEX_MODE: 'data-stream' })).toMatchObject({ logsPattern: 'logs-iocflow-default', alertsTarget: { kind: 'data-stream', name: 'iocflow-alerts-default' } });
  });

  it('reads the enricher lookup rules', () => {
    expect(loadHunterConfig({ ENRICHER_LOOKUP_RULES: '{"dst.host":"domain"}' }).lookupRules).toEqual([{ field: 'dst.host', kind: 'domain' }]);
  });

  it('lists every bad variable at once and never echoes a secret', () => {
    let error: unknown;
    try {
      loadHunterConfig({ ALERTS_INDEX: 'Bad,Index', ELASTICSEARCH_URL: 'https://elastic:hunter2@es:9200', RETRO_HUNT_QUERIES_PER_SECOND: '0', RETRO_HUNT_WINDOW: 'long' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['ALERTS_INDEX', 'ELASTICSEARCH_URL', 'RETRO_HUNT_QUERIES_PER_SECOND', 'RETRO_HUNT_WINDOW']) expect(message).toContain(name);
    expect(message).not.toContain('hunter2');
  });
});
