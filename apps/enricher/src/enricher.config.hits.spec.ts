import { ConfigError } from '@iocflow/nest';
import { loadEnricherConfig } from './enricher.config';

describe('loadEnricherConfig: the hits stream (issue 16)', () => {
  it('defaults to threat-hits, 7 days, and the indexer default target', () => {
    const config = loadEnricherConfig({});
    expect([config.THREAT_HITS_TOPIC, config.THREAT_HITS_RETENTION, config.indexTarget, config.ELASTICSEARCH_ID_FIELD]).toEqual(['threat-hits', 7 * 86_400_000, { kind: 'daily', prefix: 'iocflow-logs' }, undefined]);
    expect(loadEnricherConfig({ ELASTICSEARCH_INDEX_MODE: 'data-stream' }).indexTarget).toEqual({ kind: 'data-stream', name: 'logs-iocflow-default' });
  });

  it('takes an empty THREAT_HITS_TOPIC as off', () => {
    expect(loadEnricherConfig({ THREAT_HITS_TOPIC: '' }).THREAT_HITS_TOPIC).toBe('');
  });

  it('refuses a bad hits topic and an index name the mode forbids, in one error', () => {
    let error: unknown;
    try {
      loadEnricherConfig({ THREAT_HITS_TOPIC: 'bad topic', ELASTICSEARCH_INDEX: 'Upper' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['ELASTICSEARCH_INDEX', 'THREAT_HITS_TOPIC']);
  });
});
