import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { boolean, duration, hostPortList, httpUrl, integer, parseDuration, serviceEnvironment, topicName } from './env-schemas';

const schema = z.object({
  ...serviceEnvironment,
  MEMCACHED_SERVERS: hostPortList('127.0.0.1:11211'),
  ELASTICSEARCH_URL: httpUrl('http://127.0.0.1:9200'),
  MISP_URL: httpUrl(),
  MISP_API_KEY: z.string().min(1),
  RAW_LOGS_TOPIC: topicName('raw-logs'),
  BATCH_SIZE: integer(500, 1, 100_000),
  PARENT_DOMAINS: boolean(true),
  POLL_INTERVAL: duration('60s'),
});

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(schema, { MISP_URL: 'https://misp.example', MISP_API_KEY: 'k' });
    expect(config).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      MEMCACHED_SERVERS: ['127.0.0.1:11211'],
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
      RAW_LOGS_TOPIC: 'raw-logs',
      BATCH_SIZE: 500,
      PARENT_DOMAINS: true,
      POLL_INTERVAL: 60_000,
      KAFKA_SSL_REJECT_UNAUTHORIZED: true,
    });
  });

  it('lists every bad variable in one error and never echoes a value', () => {
    const secret = 'sup3r-s3cret-key';
    let error: unknown;
    try {
      loadConfig(schema, {
        KAFKA_BROKERS: 'not a broker',
        ELASTICSEARCH_URL: `https://elastic:${secret}@es.example`,
        MISP_URL: 'ftp://misp',
        RAW_LOGS_TOPIC: 'bad topic!',
        BATCH_SIZE: '0',
        PARENT_DOMAINS: 'maybe',
        POLL_INTERVAL: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(problems.sort()).toEqual(
      ['BATCH_SIZE', 'ELASTICSEARCH_URL', 'KAFKA_BROKERS', 'MISP_API_KEY', 'MISP_URL', 'PARENT_DOMAINS', 'POLL_INTERVAL', 'RAW_LOGS_TOPIC'].sort(),
    );
    expect((error as Error).message).not.toContain(secret);
  });

  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['10m', 600_000],
    ['6h', 21_600_000],
    ['7d', 604_800_000],
    ['1500', 1_500],
    ['10 minutes', Number.NaN],
  ])('parses duration %s', (raw, expected) => {
    expect(parseDuration(raw)).toBe(expected);
  });
});
